package org.superres.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.superres.testing.Fixtures;

/**
 * The job on two separate executor JVMs (Spark local-cluster: an in-process master and workers that
 * launch real executor processes from SPARK_HOME). Proves one model load per executor JVM, taken
 * from SparkFiles, and one manifest row per input, also when an executor JVM is killed mid-run.
 */
class MultiExecutorTest {
  private static final Pattern LOAD = Pattern.compile("loaded model .* load #(\\d+) in this JVM");
  private static final String MODEL_FILE = "superres-edsr-x3.pb";
  private static final Pattern THREADS = Pattern.compile("OpenCV inference threads (.*)$");

  private static String model;

  @BeforeAll
  static void sparkHome() throws Exception {
    model = Fixtures.ownModel().toString();
    ExecutorSparkHome.prepare();
  }

  /**
   * Two workers of one core each; the run waits until both executors registered before scheduling.
   * The caller's options come first: of repeated --set lines the first wins.
   */
  static List<String> cluster(String... more) {
    List<String> a = new ArrayList<>(Arrays.asList(more));
    a.addAll(
        Arrays.asList(
            "--master", "local-cluster[2,1,1024]",
            "--conf", "spark.executor.extraClassPath=" + ExecutorSparkHome.classesDir(),
            "--conf", "spark.cores.max=2",
            "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
            "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=300s",
            "--conf", "spark.extraListeners=" + TaskFailureCounter.class.getName(),
            "--set", "partitions.max-files=2",
            "--set", "device.threads=1"));
    return a;
  }

  static Path freshDir(String name) throws IOException {
    java.nio.file.Path p = Paths.get("target", "multi-executor", name).toAbsolutePath();
    if (Files.exists(p)) {
      try (Stream<java.nio.file.Path> s = Files.walk(p)) {
        s.sorted((x, y) -> y.compareTo(x)).forEach(x -> x.toFile().delete());
      }
    }
    Files.createDirectories(p);
    return new Path(p.toUri());
  }

  static Set<String> apps() throws IOException {
    java.nio.file.Path work = Paths.get(System.getenv("SPARK_HOME"), "work");
    Set<String> apps = new HashSet<>();
    if (Files.isDirectory(work)) {
      try (Stream<java.nio.file.Path> s = Files.list(work)) {
        s.forEach(p -> apps.add(p.getFileName().toString()));
      }
    }
    return apps;
  }

  static String newApp(Set<String> before) throws IOException {
    Set<String> now = apps();
    now.removeAll(before);
    return now.isEmpty() ? null : now.iterator().next();
  }

  /** Per executor id: the "load #N" numbers and SparkFiles fetches of the model in its stderr. */
  static Map<String, ExecutorLog> executorLogs(String appId) throws IOException {
    Map<String, ExecutorLog> logs = new TreeMap<>();
    try (Stream<java.nio.file.Path> s = Files.list(ExecutorSparkHome.workDir(appId))) {
      for (java.nio.file.Path dir : (Iterable<java.nio.file.Path>) s::iterator) {
        ExecutorLog log = new ExecutorLog();
        for (String line : Files.readAllLines(dir.resolve("stderr"), StandardCharsets.UTF_8)) {
          Matcher m = LOAD.matcher(line);
          if (m.find()) {
            log.loads.add(Integer.parseInt(m.group(1)));
          }
          if (line.contains("Fetching spark://") && line.contains(MODEL_FILE)) {
            log.fetches++;
          }
          if (line.contains("from SparkFiles") && line.contains(MODEL_FILE)) {
            log.fromSparkFiles++;
          }
          Matcher t = THREADS.matcher(line);
          if (t.find()) {
            log.threads.add(t.group(1).trim());
          }
        }
        logs.put(dir.getFileName().toString(), log);
      }
    }
    return logs;
  }

  static final class ExecutorLog {
    final List<Integer> loads = new ArrayList<>();
    final List<String> threads = new ArrayList<>();
    int fetches;
    int fromSparkFiles;

    @Override
    public String toString() {
      return "loads "
          + loads
          + ", fetches "
          + fetches
          + ", from SparkFiles "
          + fromSparkFiles
          + ", threads "
          + threads;
    }
  }

  @Test
  void eachExecutorJvmLoadsTheModelOnceFromSparkFiles() throws Exception {
    LocalFileSystem fs = FileSystem.getLocal(StorageFixtures.hadoop());
    Path in = freshDir("loads-in");
    Path out = freshDir("loads-out");
    int inputs = SmallImages.write(fs, in, 12, 64, 48);
    Set<String> before = apps();

    List<String> argv = Jobs.enhance(in.toString(), out.toString(), model);
    argv.addAll(cluster("--set", "device.threads=0")); // resolved per executor: its one worker core
    assertEquals(0, Jobs.runInProcess(argv));

    String appId = newApp(before);
    fs = FileSystem.getLocal(StorageFixtures.hadoop());
    String run = StorageFixtures.runDirs(fs, out).get(0);
    List<JsonNode> rows = StorageFixtures.manifest(fs, run);
    assertEquals(inputs, rows.size());
    Set<String> distinctInputs = new HashSet<>();
    Map<String, Integer> imagesByExecutor = new TreeMap<>();
    for (JsonNode r : rows) {
      assertEquals("ok", r.get("status").asText(), r.toString());
      assertEquals(0, r.get("task_attempt").asInt(), r.toString());
      distinctInputs.add(r.get("input_uri").asText());
      imagesByExecutor.merge(r.get("executor_id").asText(), 1, Integer::sum);
    }
    assertEquals(inputs, distinctInputs.size(), "every input processed once");
    assertFalse(imagesByExecutor.containsKey("driver"), "images ran on executors, not the driver");
    assertEquals(
        2, imagesByExecutor.size(), "both executor JVMs processed images: " + imagesByExecutor);

    Map<String, ExecutorLog> logs = executorLogs(appId);
    for (String executor : imagesByExecutor.keySet()) {
      ExecutorLog log = logs.get(executor);
      assertEquals(List.of(1), log.loads, "executor " + executor + ": " + log);
      assertEquals(1, log.fetches, "executor " + executor + " fetched the model once: " + log);
      assertEquals(1, log.fromSparkFiles, "executor " + executor + ": " + log);
      assertEquals(
          List.of("1 (local-cluster worker cores)"),
          log.threads,
          "executor " + executor + ": " + log);
    }
    JsonNode summary = StorageFixtures.summary(fs, run);
    assertEquals(imagesByExecutor.size(), summary.get("model").get("loads").asInt());
    StorageFixtures.assertOutputsWhole(fs, rows);
    System.out.printf(
        "[storage] multi-executor (%s): %d inputs, images per executor %s, executor logs %s, "
            + "summary model.loads %d%n",
        appId, inputs, imagesByExecutor, logs, summary.get("model").get("loads").asInt());
  }

  @Test
  void killedExecutorJvmIsRetriedWithOneRowPerInputAndNoPartialImage() throws Exception {
    LocalFileSystem fs = FileSystem.getLocal(StorageFixtures.hadoop());
    Path in = freshDir("kill-in");
    Path out = freshDir("kill-out");
    int inputs = SmallImages.write(fs, in, 24, 96, 72);
    Set<String> before = apps();
    TaskFailureCounter.reset();

    List<String> argv = Jobs.enhance(in.toString(), out.toString(), model);
    argv.addAll(cluster());
    ExecutorService runner = Executors.newSingleThreadExecutor();
    Future<Integer> exit = runner.submit(() -> Jobs.runInProcess(argv));
    ProcessHandle victim = null;
    String appId = null;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
    while (victim == null && !exit.isDone() && System.nanoTime() < deadline) {
      Thread.sleep(200);
      appId = appId != null ? appId : newApp(before);
      if (appId != null && outputImages(out) >= 3) {
        victim = executorProcess(appId, "0");
      }
    }
    assertTrue(
        victim != null, "no executor to kill: the run ended before 3 outputs or no executor 0");
    long pid = victim.pid();
    assertTrue(victim.destroyForcibly(), "kill -9 executor 0, pid " + pid);
    int imagesAtKill = outputImages(out);
    assertEquals(0, (int) exit.get(10, TimeUnit.MINUTES));
    runner.shutdown();

    fs = FileSystem.getLocal(StorageFixtures.hadoop());
    List<JsonNode> rows = StorageFixtures.manifest(fs, StorageFixtures.runDirs(fs, out).get(0));
    Set<String> distinct = new HashSet<>();
    int reprocessed = 0;
    for (JsonNode r : rows) {
      assertEquals("ok", r.get("status").asText(), r.toString());
      distinct.add(r.get("input_uri").asText());
      if (r.get("task_attempt").asInt() > 0) {
        reprocessed++;
      }
    }
    int duplicates = rows.size() - distinct.size();
    int lost = inputs - distinct.size();
    System.out.printf(
        "[storage] fault executor-kill: killed executor 0 (pid %d) after %d outputs; inputs %d, "
            + "rows %d, failed task attempts (retried) %d, rows from retried attempts %d, executors removed %d, "
            + "duplicates %d, lost %d%n",
        pid,
        imagesAtKill,
        inputs,
        rows.size(),
        TaskFailureCounter.FAILED_TASKS.get(),
        reprocessed,
        TaskFailureCounter.REMOVED_EXECUTORS.get(),
        duplicates,
        lost);
    assertEquals(0, duplicates);
    assertEquals(0, lost);
    assertEquals(inputs, rows.size());
    assertTrue(
        TaskFailureCounter.FAILED_TASKS.get() >= 1,
        "the killed executor's task failed and was retried");
    assertTrue(reprocessed >= 1, "rows of the retried task carry task_attempt > 0");
    StorageFixtures.assertOutputsWhole(fs, rows);
    assertEquals(
        List.of(), StorageFixtures.leftoverTemporaries(fs, out), "no partial image remains");
    assertEquals(inputs, outputImages(out));
  }

  static int outputImages(Path out) throws IOException {
    java.nio.file.Path dir = Paths.get(out.toUri());
    try (Stream<java.nio.file.Path> s = Files.list(dir)) {
      return (int) s.filter(p -> p.getFileName().toString().endsWith(".png")).count();
    }
  }

  static ProcessHandle executorProcess(String appId, String executorId) {
    return ProcessHandle.allProcesses()
        .filter(
            p -> {
              String cmd = p.info().commandLine().orElse("");
              return cmd.contains("CoarseGrainedExecutorBackend")
                  && cmd.contains("--app-id " + appId)
                  && cmd.contains("--executor-id " + executorId + " ");
            })
        .findFirst()
        .orElse(null);
  }
}
