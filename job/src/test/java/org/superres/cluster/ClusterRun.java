package org.superres.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.superres.storage.StorageFixtures;

/**
 * One submitted run as the cluster tests check it: the launcher's process and output, the run's
 * manifest and summary, and what each executor's log says.
 */
final class ClusterRun {
  static final Pattern LOAD = Pattern.compile("loaded model .* load #(\\d+) in this JVM");
  static final Pattern TASK_GPU =
      Pattern.compile(
          "superres: task (\\d+) \\(stage \\d+, partition \\d+\\) was assigned GPU (\\S+)");
  static final Pattern FALLBACK =
      Pattern.compile(
          "device\\.backend=auto \\(Spark assigned GPU (\\S+)\\): (this is the CPU build [^;]*); using cpu");

  final String runId;
  final List<JsonNode> rows;
  final JsonNode summary;
  final double wallSeconds;

  ClusterRun(String runId, List<JsonNode> rows, JsonNode summary, double wallSeconds) {
    this.runId = runId;
    this.rows = rows;
    this.summary = summary;
    this.wallSeconds = wallSeconds;
  }

  /** Waits for a launcher process; its exit status, its output in the assertion message. */
  static int await(Process p, Path log, int minutes) throws IOException, InterruptedException {
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new IOException(
          "not finished in "
              + minutes
              + " minutes:\n"
              + Files.readString(log, StandardCharsets.UTF_8));
    }
    return p.exitValue();
  }

  /** The one run under an output root: every input has exactly one row, and it is ok. */
  static ClusterRun read(FileSystem fs, String output, int inputs, double wallSeconds)
      throws IOException {
    List<String> runs = StorageFixtures.runDirs(fs, new org.apache.hadoop.fs.Path(output));
    assertEquals(1, runs.size(), "one run under " + output + ": " + runs);
    List<JsonNode> rows = StorageFixtures.manifest(fs, runs.get(0));
    Set<String> distinct = new HashSet<>();
    for (JsonNode r : rows) {
      assertEquals("ok", r.get("status").asText(), r.toString());
      distinct.add(r.get("input_uri").asText());
    }
    assertEquals(inputs, rows.size(), "one row per input");
    assertEquals(inputs, distinct.size(), "every input has its row");
    StorageFixtures.assertOutputsWhole(fs, rows);
    String run = runs.get(0).substring(runs.get(0).lastIndexOf('/') + 1);
    return new ClusterRun(run, rows, StorageFixtures.summary(fs, runs.get(0)), wallSeconds);
  }

  /** Executor id -> images it processed, from the manifest. */
  Map<String, Integer> imagesByExecutor() {
    Map<String, Integer> m = new TreeMap<>();
    for (JsonNode r : rows) {
      m.merge(r.get("executor_id").asText(), 1, Integer::sum);
    }
    return m;
  }

  int modelLoads() {
    return summary.get("model").get("loads").asInt();
  }

  /** What one executor JVM logged. */
  static final class ExecutorLog {
    final List<Integer> loads = new ArrayList<>();

    /** Task attempt id -> the GPU address it was assigned. */
    final Map<Long, String> taskGpus = new TreeMap<>();

    /** GPU address -> why auto chose the cpu. */
    final Map<String, String> fallbacks = new TreeMap<>();

    static ExecutorLog of(Path log) throws IOException {
      ExecutorLog e = new ExecutorLog();
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        Matcher m = LOAD.matcher(line);
        if (m.find()) {
          e.loads.add(Integer.parseInt(m.group(1)));
        }
        m = TASK_GPU.matcher(line);
        if (m.find()) {
          e.taskGpus.put(Long.parseLong(m.group(1)), m.group(2));
        }
        m = FALLBACK.matcher(line);
        if (m.find()) {
          e.fallbacks.put(m.group(1), m.group(2));
        }
      }
      return e;
    }

    @Override
    public String toString() {
      return "loads " + loads + ", task GPUs " + taskGpus + ", fallbacks " + fallbacks;
    }
  }

  /** The count of a Dropwizard CSV file (CsvSink): the last line's second column. */
  static long csvCount(Path file) throws IOException {
    assertTrue(Files.isRegularFile(file), "no metrics file " + file);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    String last = lines.get(lines.size() - 1);
    return Long.parseLong(last.split(",")[1].trim());
  }
}
