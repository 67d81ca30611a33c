package org.superres.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.superres.storage.S3ProxyServer;
import org.superres.storage.SmallImages;

/**
 * The job on a real Spark standalone cluster: a Master and two Workers as separate JVMs, submitted
 * with submit/spark-submit-job itself (not --dry-run) in client and in cluster deploy mode, inputs
 * and outputs on S3 (S3Proxy through S3A), the model the one the application jar carries (the job
 * ships it with addFile; no launcher ships it). Each run: one ok row per input, each executor
 * loaded the model once, the summary's model.loads is the executors used, and the superres metrics
 * source reached Spark's CSV sink on the executors and the driver. In cluster mode the driver ran
 * on a Worker.
 */
@Tag("cluster")
class StandaloneClusterTest {
  private static final String BUCKET = "standalone";
  private static final int INPUTS = 8;

  private static SparkDistribution spark;
  private static StandaloneCluster cluster;
  private static S3ProxyServer s3;
  private static Path dir;
  private static Path credentials;

  @BeforeAll
  static void start() throws Exception {
    spark = SparkDistribution.prepare();
    SparkDistribution.applicationJar();
    dir = Paths.get("target", "standalone-test").toAbsolutePath();
    SparkDistribution.deleteTree(dir);
    Files.createDirectories(dir);
    s3 = S3ProxyServer.start("standalone");
    s3.createBucket(BUCKET);
    try (FileSystem fs = s3.fs(BUCKET)) {
      for (String prefix : new String[] {"in", "out-client", "out-cluster"}) {
        fs.delete(new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/" + prefix), true);
      }
      SmallImages.write(
          fs, new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/in"), INPUTS, 32, 32);
    }
    // The keys reach the driver through the job's own configuration file, never a command line.
    credentials = dir.resolve("credentials.conf");
    Files.writeString(
        credentials,
        "superres.spark {\n  \"spark.hadoop.fs.s3a.access.key\" = \""
            + s3.accessKey()
            + "\"\n  \"spark.hadoop.fs.s3a.secret.key\" = \""
            + s3.secretKey()
            + "\"\n}\n");
    // Two cores per Worker: in cluster mode the driver takes one of them.
    cluster = StandaloneCluster.start(spark, dir.resolve("cluster"), 2, 2, "1536m");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void clientDeployMode() throws Exception {
    Submitted s = submit("client");
    assertTrue(
        s.output.contains("run " + s.run.runId + ": " + INPUTS + " ok"),
        "the driver is the launcher's process and prints the run line:\n" + s.output);
    assertTrue(s.newDrivers.isEmpty(), "client mode launches no driver on a Worker");
  }

  @Test
  void clusterDeployMode() throws Exception {
    Submitted s = submit("cluster");
    assertEquals(1, s.newDrivers.size(), "one driver launched by a Worker: " + s.newDrivers);
    Path driver = s.newDrivers.get(0);
    String driverOut = Files.readString(driver.resolve("stdout"), StandardCharsets.UTF_8);
    assertTrue(
        driverOut.contains("run " + s.run.runId + ": " + INPUTS + " ok"),
        "the driver on the Worker printed the run line:\n" + driverOut);
    assertTrue(
        Files.isRegularFile(driver.resolve(SparkDistribution.applicationJar().getFileName())),
        "the Worker fetched the application jar into the driver's directory");
    String driverId = driver.getFileName().toString();
    JsonNode state = cluster.state();
    boolean finished = false;
    for (JsonNode d : state.get("completeddrivers")) {
      finished |=
          d.get("id").asText().equals(driverId) && d.get("state").asText().equals("FINISHED");
    }
    assertTrue(finished, "the Master reports driver " + driverId + " FINISHED: " + state);
    System.out.printf(
        "[cluster] standalone cluster mode: driver %s ran on %s%n",
        driverId, driver.getParent().getFileName());
  }

  /** What one submission left. */
  static final class Submitted {
    ClusterRun run;
    String output;
    List<Path> newDrivers;
  }

  private Submitted submit(String mode) throws Exception {
    Path metrics = Files.createDirectories(dir.resolve("metrics-" + mode));
    Path cwd = Files.createDirectories(dir.resolve("cwd-" + mode)); // no ./models: the jar's model
    Set<Path> appsBefore = new HashSet<>(cluster.workDirEntries("app-"));
    Set<Path> driversBefore = new HashSet<>(cluster.workDirEntries("driver-"));
    String out = "s3a://" + BUCKET + "/out-" + mode + "/";
    List<String> argv =
        new ArrayList<>(
            Arrays.asList(
                "submit/spark-submit-job",
                "--master",
                cluster.masterUrl,
                "--deploy-mode",
                mode,
                "--name",
                "superres-standalone-" + mode));
    Map<String, String> conf = new TreeMap<>(s3.s3aProperties());
    conf.put("spark.driver.memory", "512m");
    conf.put("spark.executor.memory", "512m");
    conf.put("spark.executor.cores", "1");
    conf.put("spark.cores.max", "2");
    conf.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
    conf.put("spark.scheduler.maxRegisteredResourcesWaitingTime", "180s");
    conf.put("spark.standalone.submit.waitAppCompletion", "true");
    // Spark's CSV sink on the driver and every executor: the superres source, exported as is.
    conf.put("spark.metrics.conf.*.sink.csv.class", "org.apache.spark.metrics.sink.CsvSink");
    conf.put("spark.metrics.conf.*.sink.csv.directory", metrics.toString());
    conf.put("spark.metrics.conf.*.sink.csv.period", "1");
    conf.put("spark.metrics.conf.*.sink.csv.unit", "seconds");
    conf.forEach(
        (k, v) -> {
          argv.add("--conf");
          argv.add(k + "=" + v);
        });
    argv.addAll(
        Arrays.asList(
            "--",
            "enhance",
            "--input",
            "s3a://" + BUCKET + "/in/",
            "--output",
            out,
            "--config",
            credentials.toString(),
            "--set",
            "partitions.max-files=2",
            "--set",
            "device.threads=1",
            "--set",
            "progress.interval-seconds=5",
            "--set",
            "report.enabled=false"));
    Path log = dir.resolve("submit-" + mode + ".log");
    long t0 = System.nanoTime();
    Process p = spark.launcher(cwd, log, Map.of(), argv.toArray(new String[0])).start();
    int exit = ClusterRun.await(p, log, 10);
    double wall = (System.nanoTime() - t0) / 1e9;
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, exit, output);
    assertFalse(output.contains(s3.secretKey()), "the secret key leaked into the output");

    Submitted s = new Submitted();
    s.output = output;
    try (FileSystem fs = s3.fs(BUCKET)) {
      s.run = ClusterRun.read(fs, out, INPUTS, wall);
    }
    List<Path> apps = new ArrayList<>(cluster.workDirEntries("app-"));
    apps.removeAll(appsBefore);
    s.newDrivers = new ArrayList<>(cluster.workDirEntries("driver-"));
    s.newDrivers.removeAll(driversBefore);
    Set<String> appIds = new HashSet<>();
    apps.forEach(a -> appIds.add(a.getFileName().toString()));
    assertEquals(1, appIds.size(), "one application on the Workers: " + apps);
    String appId = appIds.iterator().next();

    // Executor logs: SPARK_WORKER_DIR/APP_ID/EXECUTOR_ID/stderr on whichever Worker ran it.
    Map<String, ClusterRun.ExecutorLog> logs = new TreeMap<>();
    for (Path app : apps) {
      try (var executors = Files.list(app)) {
        for (Path e : (Iterable<Path>) executors::iterator) {
          logs.put(e.getFileName().toString(), ClusterRun.ExecutorLog.of(e.resolve("stderr")));
        }
      }
    }
    Map<String, Integer> images = s.run.imagesByExecutor();
    assertFalse(images.containsKey("driver"), "images ran on executors: " + images);
    assertEquals(2, images.size(), "both executors processed images: " + images);
    for (String executor : images.keySet()) {
      ClusterRun.ExecutorLog e = logs.get(executor);
      assertEquals(List.of(1), e.loads, "executor " + executor + " loaded the model once: " + e);
      // The superres source as Spark's CSV sink wrote it on that executor.
      assertEquals(
          images.get(executor).longValue(),
          ClusterRun.csvCount(metrics.resolve(appId + "." + executor + ".superres.images.ok.csv")),
          "images.ok of executor " + executor);
    }
    assertEquals(images.size(), s.run.modelLoads(), "summary model.loads = executors used");
    assertTrue(
        s.run.summary.get("model").get("uri").asText().endsWith("/superres-edsr-x3.pb"),
        "the model the jar carries: " + s.run.summary.get("model"));
    assertEquals(
        1,
        ClusterRun.csvCount(metrics.resolve(appId + ".driver.superres.run.enhance.ms.csv")),
        "the driver's superres source timed the enhance stage once");
    System.out.printf(
        "[cluster] standalone %s mode (%s): %d rows, executors used %d, images per executor %s,"
            + " model loads per executor %s, summary model.loads %d, wall %.1f s%n",
        mode,
        appId,
        s.run.rows.size(),
        images.size(),
        images,
        loadsOf(logs, images.keySet()),
        s.run.modelLoads(),
        wall);
    return s;
  }

  static Map<String, List<Integer>> loadsOf(
      Map<String, ClusterRun.ExecutorLog> logs, Set<String> executors) {
    Map<String, List<Integer>> m = new TreeMap<>();
    for (String e : executors) {
      m.put(e, logs.get(e).loads);
    }
    return m;
  }
}
