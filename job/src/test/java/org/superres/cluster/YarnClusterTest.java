package org.superres.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.superres.storage.S3ProxyServer;
import org.superres.storage.SmallImages;
import org.superres.testing.Fixtures;

/**
 * The job on YARN with GPU scheduling and no GPU: a MiniYARNCluster of two NodeManagers that
 * declare two yarn.io/gpu each, configured from submit/emr/gpu-cluster-config.json (its yarn-site
 * and capacity-scheduler classifications, less what needs a real GPU node and root), with the
 * spark-defaults of that file as the cluster's Spark configuration.
 *
 * <p>EMR: the step that {@code emr-step --gpu} prints is run as EMR's command-runner runs it
 * (spark-submit with the step's Args, YARN cluster mode). Dataproc: the properties that {@code
 * dataproc-submit --gpu} hands to gcloud go to spark-submit-job in YARN client mode, Dataproc's
 * default. Both: one GPU per executor, 0.25 per task, the discovery script in its fake mode.
 * Checks: YARN granted the executor containers yarn.io/gpu, every task was assigned a GPU address,
 * the CPU jar fell back to the CPU and logged why, every input has one row, one model load per
 * executor.
 */
@Tag("cluster")
class YarnClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "yarn";
  private static final int INPUTS = 8;
  private static final Pattern EXECUTOR_ID = Pattern.compile("Starting executor ID (\\S+) on host");

  /**
   * yarn-site keys of gpu-cluster-config.json this cluster cannot apply, and why. Every other key
   * of the file's yarn-site is applied, so a key added there fails here until it is decided.
   */
  static final Map<String, String> NEEDS_A_GPU_NODE =
      Map.of(
          "yarn.nodemanager.resource-plugins",
          "the GPU plugin counts GPUs with nvidia-smi; each NodeManager here declares yarn.io/gpu=2",
          "yarn.nodemanager.resource-plugins.gpu.allowed-gpu-devices",
          "GPU plugin",
          "yarn.nodemanager.resource-plugins.gpu.path-to-discovery-executables",
          "GPU plugin",
          "yarn.nodemanager.container-executor.class",
          "LinuxContainerExecutor needs its setuid binary (root); containers run as this user",
          "yarn.nodemanager.linux-container-executor.cgroups.mount",
          "cgroup device isolation needs root",
          "yarn.nodemanager.linux-container-executor.cgroups.mount-path",
          "cgroups",
          "yarn.nodemanager.linux-container-executor.cgroups.hierarchy",
          "cgroups");

  /** The file's spark-defaults sized for this machine instead of a g4dn.2xlarge. */
  static final Map<String, String> SIZED_FOR_THIS_MACHINE =
      Map.of("spark.executor.memory", "768m", "spark.executor.memoryOverhead", "512m");

  private static SparkDistribution spark;
  private static S3ProxyServer s3;
  private static MiniYarn yarn;
  private static Path dir;
  private static Path credentials;
  private static Map<String, String> emrSparkDefaults;

  @BeforeAll
  static void start() throws Exception {
    spark = SparkDistribution.prepare();
    SparkDistribution.applicationJar();
    dir = Paths.get("target", "yarn-test").toAbsolutePath();
    SparkDistribution.deleteTree(dir);
    Files.createDirectories(dir);
    s3 = S3ProxyServer.start("yarn");
    s3.createBucket(BUCKET);
    try (FileSystem fs = s3.fs(BUCKET)) {
      for (String prefix : new String[] {"in", "out-emr", "out-dataproc"}) {
        fs.delete(new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/" + prefix), true);
      }
      SmallImages.write(
          fs, new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/in"), INPUTS, 32, 32);
    }
    credentials = dir.resolve("credentials.conf");
    Files.writeString(
        credentials,
        "superres.spark {\n  \"spark.hadoop.fs.s3a.access.key\" = \""
            + s3.accessKey()
            + "\"\n  \"spark.hadoop.fs.s3a.secret.key\" = \""
            + s3.secretKey()
            + "\"\n}\n");

    Map<String, Map<String, String>> emr = emrConfiguration();
    Map<String, String> site = new TreeMap<>(emr.get("yarn-site"));
    assertTrue(
        site.keySet().containsAll(NEEDS_A_GPU_NODE.keySet()),
        "keys left out that the file no longer has: " + NEEDS_A_GPU_NODE.keySet());
    site.keySet().removeAll(NEEDS_A_GPU_NODE.keySet());
    assertEquals(Map.of("yarn.resource-types", MiniYarn.GPU), site);
    site.putAll(emr.get("capacity-scheduler")); // DominantResourceCalculator: GPUs are scheduled
    yarn = MiniYarn.start("superres-yarn", dir, site, 2, 2);
    emrSparkDefaults = emr.get("spark-defaults");
  }

  @AfterAll
  static void stop() throws Exception {
    if (yarn != null) {
      yarn.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  /** Classification -> properties of submit/emr/gpu-cluster-config.json. */
  static Map<String, Map<String, String>> emrConfiguration() throws Exception {
    JsonNode config =
        JSON.readTree(Fixtures.repoRoot().resolve("submit/emr/gpu-cluster-config.json").toFile());
    Map<String, Map<String, String>> m = new TreeMap<>();
    for (JsonNode c : config) {
      Map<String, String> props = new LinkedHashMap<>();
      c.get("Properties")
          .fields()
          .forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
      m.put(c.get("Classification").asText(), props);
    }
    return m;
  }

  @Test
  void emrStepInYarnClusterModeGetsGpuContainers() throws Exception {
    // The cluster's Spark configuration: the file's spark-defaults, as EMR writes them, sized here.
    Map<String, String> defaults = new LinkedHashMap<>(emrSparkDefaults);
    assertTrue(defaults.keySet().containsAll(SIZED_FOR_THIS_MACHINE.keySet()));
    defaults.putAll(SIZED_FOR_THIS_MACHINE);
    defaults.put("spark.master", "yarn"); // EMR's own spark-defaults say so
    Path conf = sparkConf("emr", defaults);

    List<String> args = emrStepArgs();
    assertTrue(args.contains("spark.executor.resource.gpu.amount=1"), args.toString());
    String taskAmount = emrSparkDefaults.get("spark.task.resource.gpu.amount");
    assertTrue(
        args.contains("spark.task.resource.gpu.amount=" + taskAmount)
            && Double.parseDouble(taskAmount) < 1,
        "a fractional task amount, the same in the step and the cluster's defaults: " + args);
    assertEquals("cluster", args.get(args.indexOf("--deploy-mode") + 1));

    // What EMR's command-runner.jar runs for a Spark step: spark-submit and the step's Args.
    List<String> cmd = new ArrayList<>();
    cmd.add(spark.sparkSubmit().toString());
    cmd.addAll(args);
    Submitted s = submit("emr", cmd, conf, false);
    assertTrue(
        s.driverStdout.contains("run " + s.run.runId + ": " + INPUTS + " ok"),
        "the driver ran in the application master's container:\n" + s.driverStdout);
  }

  @Test
  void dataprocPropertiesInYarnClientMode() throws Exception {
    Map<String, String> defaults = new LinkedHashMap<>(SIZED_FOR_THIS_MACHINE);
    defaults.put("spark.master", "yarn");
    defaults.put("spark.executor.cores", "4");
    Path conf = sparkConf("dataproc", defaults);

    List<String> gcloud =
        words(
            launcherOutput(
                "submit/dataproc/dataproc-submit",
                "--cluster",
                "superres-test",
                "--region",
                "local",
                "--jar",
                SparkDistribution.applicationJar().toUri().toString(),
                "--gpu",
                "--discovery-script",
                Fixtures.repoRoot().resolve("submit/getGpusResources.sh").toString(),
                "--properties",
                "spark.executorEnv.SUPERRES_FAKE_GPUS=0",
                "--properties",
                "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--properties",
                "spark.scheduler.maxRegisteredResourcesWaitingTime=180s",
                "--dry-run",
                "--",
                "enhance"));
    assertEquals(List.of("gcloud", "dataproc", "jobs", "submit", "spark"), gcloud.subList(0, 5));
    List<String> properties = new ArrayList<>();
    String jar = null;
    for (String w : gcloud) {
      if (w.startsWith("--properties=")) {
        String list = w.substring("--properties=".length());
        String delimiter = ",";
        if (list.startsWith("^")) { // gcloud's alternate delimiter: ^#^k=v#k=v
          delimiter = list.substring(1, list.indexOf('^', 1));
          list = list.substring(list.indexOf('^', 1) + 1);
        }
        properties.addAll(Arrays.asList(list.split(Pattern.quote(delimiter))));
      } else if (w.startsWith("--jars=")) {
        jar = w.substring("--jars=".length());
      } else if (w.startsWith("--class=")) {
        assertEquals("org.superres.cli.Main", w.substring("--class=".length()));
      }
    }
    assertTrue(properties.contains("spark.executor.resource.gpu.amount=1"), properties.toString());
    assertTrue(properties.contains("spark.task.resource.gpu.amount=0.25"), properties.toString());

    // Dataproc runs the driver on the master node (client mode): here through spark-submit-job,
    // with the properties and jar gcloud would have been given.
    List<String> cmd =
        new ArrayList<>(
            Arrays.asList(
                "submit/spark-submit-job",
                "--master",
                "yarn",
                "--deploy-mode",
                "client",
                "--name",
                "superres-dataproc",
                "--jar",
                jar));
    for (String p : properties) {
      cmd.add("--conf");
      cmd.add(p);
    }
    s3Confs(cmd);
    cmd.add("--");
    cmd.addAll(jobArgs("out-dataproc"));
    Submitted s = submit("dataproc", cmd, conf, true);
    assertTrue(
        s.output.contains("run " + s.run.runId + ": " + INPUTS + " ok"),
        "the driver is the launcher's process in client mode:\n" + s.output);
  }

  /** The Args of the step emr-step prints for this cluster's jar and GPU nodes. */
  private List<String> emrStepArgs() throws Exception {
    List<String> cmd =
        new ArrayList<>(
            Arrays.asList(
                "submit/emr/emr-step",
                "--jar",
                SparkDistribution.applicationJar().toUri().toString(),
                "--gpu",
                // EMR 6.x guidance; here the NodeManagers' containers get this JVM's Java from it.
                "--java-home",
                System.getProperty("java.home"),
                // bootstrap-gpu.sh installs the script at /opt/superres/bin on real nodes.
                "--discovery-script",
                Fixtures.repoRoot().resolve("submit/getGpusResources.sh").toString(),
                "--conf",
                "spark.executorEnv.SUPERRES_FAKE_GPUS=0",
                "--conf",
                "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf",
                "spark.scheduler.maxRegisteredResourcesWaitingTime=180s"));
    s3Confs(cmd);
    cmd.add("--");
    cmd.addAll(jobArgs("out-emr"));
    JsonNode steps = JSON.readTree(launcherOutput(cmd.toArray(new String[0])));
    assertEquals("Spark", steps.get(0).get("Type").asText());
    List<String> args = new ArrayList<>();
    steps.get(0).get("Args").forEach(a -> args.add(a.asText()));
    return args;
  }

  private static void s3Confs(List<String> cmd) {
    s3.s3aProperties()
        .forEach(
            (k, v) -> {
              cmd.add("--conf");
              cmd.add(k + "=" + v);
            });
  }

  private static List<String> jobArgs(String out) {
    return Arrays.asList(
        "enhance",
        "--input",
        "s3a://" + BUCKET + "/in/",
        "--output",
        "s3a://" + BUCKET + "/" + out + "/",
        "--config",
        credentials.toString(),
        "--set",
        "partitions.max-files=1",
        "--set",
        "device.threads=1",
        "--set",
        "progress.interval-seconds=5",
        "--set",
        "report.enabled=false");
  }

  /**
   * A SPARK_CONF_DIR: spark-defaults.conf with DEFAULTS and what every node of this cluster shares
   * (Spark's jars on the node, as Dataproc's spark.yarn.jars=local:..., a staging directory), and
   * the distribution's logging.
   */
  private static Path sparkConf(String name, Map<String, String> defaults) throws Exception {
    Path conf = Files.createDirectories(dir.resolve("spark-conf-" + name));
    Map<String, String> all = new LinkedHashMap<>(defaults);
    all.put("spark.yarn.jars", "local:" + spark.home.resolve("jars") + "/*");
    all.put("spark.yarn.stagingDir", dir.resolve("staging").toUri().toString());
    all.put("spark.executor.instances", "2");
    all.put("spark.driver.memory", "512m");
    StringBuilder sb = new StringBuilder();
    all.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
    Files.writeString(conf.resolve("spark-defaults.conf"), sb.toString());
    Files.copy(
        spark.conf().resolve("log4j2.properties"),
        conf.resolve("log4j2.properties"),
        StandardCopyOption.REPLACE_EXISTING);
    return conf;
  }

  /** What one submission left. */
  static final class Submitted {
    ClusterRun run;
    String output;
    String driverStdout;
  }

  private Submitted submit(String name, List<String> cmd, Path conf, boolean clientMode)
      throws Exception {
    Set<String> before = new HashSet<>();
    for (ApplicationReport r : yarn.applications()) {
      before.add(r.getApplicationId().toString());
    }
    Path cwd = Files.createDirectories(dir.resolve("cwd-" + name));
    Path log = dir.resolve("submit-" + name + ".log");
    Map<String, String> env =
        Map.of("SPARK_CONF_DIR", conf.toString(), "HADOOP_CONF_DIR", yarn.confDir.toString());
    String[] argv = cmd.toArray(new String[0]);
    Thread watch = yarn.watchContainers();
    long t0 = System.nanoTime();
    Process p;
    if (argv[0].startsWith("submit/")) {
      p = spark.launcher(cwd, log, env, argv).start();
    } else {
      ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
      pb.environment().putAll(spark.environment());
      pb.environment().putAll(env);
      p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
    int exit = ClusterRun.await(p, log, 10);
    double wall = (System.nanoTime() - t0) / 1e9;
    watch.interrupt();
    watch.join(TimeUnit.SECONDS.toMillis(10));
    Submitted s = new Submitted();
    s.output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, exit, s.output);
    assertFalse(s.output.contains(s3.secretKey()), "the secret key leaked into the output");

    String appId = null;
    for (ApplicationReport r : yarn.applications()) {
      if (!before.contains(r.getApplicationId().toString())) {
        appId = r.getApplicationId().toString();
      }
    }
    ApplicationReport report = yarn.report(appId);
    assertEquals(FinalApplicationStatus.SUCCEEDED, report.getFinalApplicationStatus());
    try (FileSystem fs = s3.fs(BUCKET)) {
      s.run = ClusterRun.read(fs, "s3a://" + BUCKET + "/out-" + name + "/", INPUTS, wall);
    }

    // YARN's side: the executor containers were granted one yarn.io/gpu each, the AM none.
    Map<String, Long> gpus = new TreeMap<>();
    String appNumber = appId.substring("application_".length());
    yarn.containerGpus.forEach(
        (container, gpu) -> {
          if (container.contains(appNumber)) gpus.put(container, gpu);
        });
    Long gpuSeconds =
        report.getApplicationResourceUsageReport().getResourceSecondsMap().get(MiniYarn.GPU);
    assertTrue(gpuSeconds != null && gpuSeconds > 0, "YARN accounted GPU-seconds: " + gpuSeconds);

    // The containers' own logs: the driver (cluster mode) or ExecutorLauncher, and the executors.
    Map<String, ClusterRun.ExecutorLog> executors = new TreeMap<>();
    Map<String, String> containerOfExecutor = new TreeMap<>();
    s.driverStdout = "";
    for (Path c : yarn.containerLogDirs(appId)) {
      String stderr = Files.readString(c.resolve("stderr"), StandardCharsets.UTF_8);
      Matcher m = EXECUTOR_ID.matcher(stderr);
      if (m.find()) {
        executors.put(m.group(1), ClusterRun.ExecutorLog.of(c.resolve("stderr")));
        containerOfExecutor.put(m.group(1), c.getFileName().toString());
      } else {
        s.driverStdout += Files.readString(c.resolve("stdout"), StandardCharsets.UTF_8);
      }
    }
    Map<String, Integer> images = s.run.imagesByExecutor();
    assertEquals(2, images.size(), "both executors processed images: " + images);
    int tasksWithGpu = 0;
    for (String e : images.keySet()) {
      ClusterRun.ExecutorLog log1 = executors.get(e);
      assertTrue(log1 != null, "no log of executor " + e + " among " + executors.keySet());
      assertEquals(List.of(1), log1.loads, "executor " + e + " loaded the model once: " + log1);
      assertEquals(
          1L,
          gpus.get(containerOfExecutor.get(e)),
          "YARN granted executor " + e + "'s container one " + MiniYarn.GPU + ": " + gpus);
      assertFalse(log1.taskGpus.isEmpty(), "executor " + e + "'s tasks were assigned a GPU");
      assertEquals(Set.of("0"), new HashSet<>(log1.taskGpus.values()), "the fake GPU: " + log1);
      assertEquals(
          Map.of("0", "this is the CPU build of OpenCV (no CUDA)"),
          log1.fallbacks,
          "the executor fell back to the CPU and said why: " + log1);
      tasksWithGpu += log1.taskGpus.size();
    }
    assertEquals(INPUTS, tasksWithGpu, "every task (one input each) was assigned its GPU");
    for (JsonNode r : s.run.rows) {
      assertEquals("cpu", r.get("device").asText(), r.toString());
    }
    String am = appId.replace("application_", "container_") + "_01_000001";
    assertEquals(0L, gpus.getOrDefault(am, 0L), "the application master asked for no GPU");
    assertEquals(images.size(), s.run.modelLoads(), "summary model.loads = executors used");
    System.out.printf(
        "[cluster] YARN %s (%s, %s mode): %d rows, executors used %d, images per executor %s,"
            + " model loads per executor %s, yarn.io/gpu per container %s, GPU-seconds %d,"
            + " tasks with a GPU %d, summary model.loads %d, wall %.1f s%n",
        name,
        appId,
        clientMode ? "client" : "cluster",
        s.run.rows.size(),
        images.size(),
        images,
        StandaloneClusterTest.loadsOf(executors, images.keySet()),
        gpus,
        gpuSeconds,
        tasksWithGpu,
        s.run.modelLoads(),
        wall);
    return s;
  }

  /** Runs a launcher with --dry-run style output; its stdout. */
  private static String launcherOutput(String... argv) throws Exception {
    Path log = Files.createTempFile(dir, "launcher", ".out");
    String[] cmd = argv.clone();
    cmd[0] = Fixtures.repoRoot().resolve(argv[0]).toString();
    Process p = new ProcessBuilder(cmd).redirectOutput(log.toFile()).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), err);
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** The words of a printed command line, as bash reads them. */
  private static List<String> words(String line) throws Exception {
    Process p =
        new ProcessBuilder(
                "bash", "-c", "eval \"set -- $1\"; printf '%s\\0' \"$@\"", "_", line.trim())
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor());
    return new ArrayList<>(Arrays.asList(out.split("\0")));
  }
}
