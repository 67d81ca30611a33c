package org.superres.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptReport;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ContainerReport;
import org.apache.hadoop.yarn.api.records.ResourceInformation;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.util.resource.ResourceUtils;

/**
 * A YARN cluster in this JVM (MiniYARNCluster: a ResourceManager and NodeManagers whose containers
 * are separate JVMs started by bash, as on a real node), with the countable resource yarn.io/gpu
 * declared on every NodeManager. {@link #confDir} is the HADOOP_CONF_DIR a client needs.
 */
final class MiniYarn implements AutoCloseable {
  static final String GPU = ResourceInformation.GPU_URI;

  final MiniYARNCluster cluster;
  final Path confDir;
  final Path logs;
  private final YarnClient client;

  /** Every container seen while watching: id -> its allocated yarn.io/gpu. */
  final Map<String, Long> containerGpus = new ConcurrentHashMap<>();

  private MiniYarn(MiniYARNCluster cluster, Path confDir) {
    this.cluster = cluster;
    this.confDir = confDir;
    this.logs = cluster.getTestWorkDir().toPath();
    this.client = YarnClient.createYarnClient();
    client.init(cluster.getConfig());
    client.start();
  }

  /**
   * @param site yarn-site and capacity-scheduler properties to apply (the cluster's own)
   * @param gpusPerNode yarn.io/gpu each NodeManager offers
   */
  static MiniYarn start(
      String name, Path base, Map<String, String> site, int nodes, int gpusPerNode)
      throws Exception {
    YarnConfiguration conf = new YarnConfiguration();
    site.forEach(conf::set);
    // A GPU node's plugin would find its GPUs with nvidia-smi; here each node declares them.
    conf.set(YarnConfiguration.NM_RESOURCES_PREFIX + GPU, String.valueOf(gpusPerNode));
    conf.setInt(YarnConfiguration.NM_PMEM_MB, 4096);
    conf.setInt(YarnConfiguration.NM_VCORES, 8);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, 4096);
    // Containers of small heaps with OpenCV off-heap: no memory policing by the NodeManagers.
    conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    conf.setFloat(
        YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.5f); // shared CI disks
    conf.set(YarnConfiguration.NM_LOG_RETAIN_SECONDS, "3600"); // container logs stay for the test
    conf.set("fs.defaultFS", "file:///");
    // What a cluster's capacity-scheduler.xml holds: one queue, room for the application masters.
    conf.set("yarn.scheduler.capacity.root.queues", "default");
    conf.set("yarn.scheduler.capacity.root.default.capacity", "100");
    conf.set("yarn.scheduler.capacity.maximum-am-resource-percent", "0.5");
    // The resource types are JVM-wide in YARN's ResourceUtils: declare yarn.io/gpu before starting.
    ResourceUtils.resetResourceTypes(conf);
    MiniYARNCluster cluster = new MiniYARNCluster(name, nodes, 1, 1);
    cluster.init(conf);
    cluster.start();
    if (!cluster.waitForNodeManagersToConnect(120_000)) {
      cluster.stop();
      throw new IOException(nodes + " NodeManagers did not register within 2 minutes");
    }
    Path confDir = Files.createDirectories(base.resolve("hadoop-conf"));
    try (OutputStream out = Files.newOutputStream(confDir.resolve("yarn-site.xml"))) {
      cluster.getConfig().writeXml(out);
    }
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", "file:///");
    try (OutputStream out = Files.newOutputStream(confDir.resolve("core-site.xml"))) {
      core.writeXml(out);
    }
    return new MiniYarn(cluster, confDir);
  }

  /** Records the yarn.io/gpu of every container of running applications, until interrupted. */
  Thread watchContainers() {
    Thread t =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  for (ApplicationReport app :
                      client.getApplications(
                          Set.of("SPARK"), EnumSet.of(YarnApplicationState.RUNNING))) {
                    for (ApplicationAttemptReport attempt :
                        client.getApplicationAttempts(app.getApplicationId())) {
                      for (ContainerReport c :
                          client.getContainers(attempt.getApplicationAttemptId())) {
                        containerGpus.put(
                            c.getContainerId().toString(),
                            c.getAllocatedResource().getResourceValue(GPU));
                      }
                    }
                  }
                  Thread.sleep(300);
                } catch (InterruptedException e) {
                  return;
                } catch (Exception e) {
                  // an application finishing between two calls: look again
                }
              }
            },
            "yarn-container-watch");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The application's report, after it ended. */
  ApplicationReport report(String appId) throws Exception {
    for (ApplicationReport r : client.getApplications(Set.of("SPARK"))) {
      if (r.getApplicationId().toString().equals(appId)) {
        return r;
      }
    }
    throw new IOException("no application " + appId);
  }

  List<ApplicationReport> applications() throws Exception {
    return client.getApplications(Set.of("SPARK"));
  }

  /** The log directories of an application's containers, on every NodeManager. */
  List<Path> containerLogDirs(String appId) throws IOException {
    try (Stream<Path> s = Files.walk(logs)) {
      return s.filter(
              p ->
                  Files.isDirectory(p)
                      && p.getParent().getParent().getFileName().toString().contains("-logDir-")
                      && p.getFileName().toString().startsWith("container_")
                      && p.getParent().getFileName().toString().equals(appId))
          .sorted()
          .collect(Collectors.toCollection(ArrayList::new));
    }
  }

  @Override
  public void close() {
    client.stop();
    cluster.stop();
    ResourceUtils.resetResourceTypes(new Configuration());
  }
}
