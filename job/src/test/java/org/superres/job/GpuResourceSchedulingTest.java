package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.cli.Main;
import org.superres.samples.SampleImages;
import org.superres.storage.ExecutorSparkHome;
import org.superres.testing.Fixtures;
import org.superres.testing.Images;

/**
 * GPU binding through Spark's own resource scheduling, on a real standalone cluster (local-cluster:
 * an in-process master and worker that launch a separate executor JVM; local mode never schedules
 * tasks by GPU). The worker discovers two fake GPUs through submit/getGpusResources.sh, the
 * executor gets both, each task one. On this CPU jar auto must fall back to cpu, say so once per
 * assigned address, and process every input.
 */
class GpuResourceSchedulingTest {
  private static final Pattern CHOICE =
      Pattern.compile(
          "device\\.backend=auto \\(Spark assigned GPU (\\S+)\\): this is the CPU build .*; using cpu");

  @TempDir Path tmp;

  @Test
  void fakeGpuAddressesReachTheTasksAndAutoFallsBackToCpu() throws Exception {
    String model = Fixtures.ownModel().toString();
    ExecutorSparkHome.prepare();
    Path discovery = fakeGpuDiscovery(tmp, "0,1");
    Path in = Files.createDirectories(tmp.resolve("in"));
    int inputs = 6;
    for (int i = 0; i < inputs; i++) {
      Files.write(
          in.resolve("scan-" + i + ".png"), Images.encode(SampleImages.scene(36, 28, i), ".png"));
    }
    Path out = tmp.resolve("out");
    Set<String> appsBefore = apps();

    FileSystem.closeAll();
    int exit =
        Main.run(
            new String[] {
              "enhance",
              "--input",
              in.toString(),
              "--output",
              out.toString(),
              "--model",
              model,
              "--set",
              "partitions.max-files=1",
              "--set",
              "device.threads=1",
              "--master",
              "local-cluster[1,2,1024]",
              "--conf",
              "spark.executor.extraClassPath=" + ExecutorSparkHome.classesDir(),
              "--conf",
              "spark.worker.resource.gpu.amount=2",
              "--conf",
              "spark.worker.resource.gpu.discoveryScript=" + discovery,
              "--conf",
              "spark.executor.cores=2",
              "--conf",
              "spark.executor.resource.gpu.amount=2",
              "--conf",
              "spark.task.resource.gpu.amount=1",
              "--conf",
              "spark.scheduler.minRegisteredResourcesRatio=1.0",
              "--conf",
              "spark.scheduler.maxRegisteredResourcesWaitingTime=300s"
            });
    assertEquals(0, exit);

    List<JsonNode> rows = manifest(out);
    assertEquals(inputs, rows.size());
    for (JsonNode r : rows) {
      assertEquals("ok", r.get("status").asText(), r.toString());
      assertEquals(
          "cpu", r.get("device").asText(), "the CPU jar runs on the cpu whatever GPU was assigned");
      assertFalse(r.get("executor_id").asText().equals("driver"), "ran on the executor JVM");
    }

    Set<String> newApps = apps();
    newApps.removeAll(appsBefore);
    assertEquals(1, newApps.size(), "one new application under SPARK_HOME/work: " + newApps);
    List<String> addresses = new ArrayList<>();
    try (Stream<Path> executors =
        Files.list(ExecutorSparkHome.workDir(newApps.iterator().next()))) {
      for (Path dir : executors.collect(Collectors.toList())) {
        for (String line : Files.readAllLines(dir.resolve("stderr"), StandardCharsets.UTF_8)) {
          Matcher m = CHOICE.matcher(line);
          if (m.find()) {
            addresses.add(m.group(1));
          }
        }
      }
    }
    assertFalse(
        addresses.isEmpty(), "the executor logged its device choice with the GPU Spark assigned");
    assertTrue(
        Set.of("0", "1").containsAll(addresses),
        "only discovered addresses are assigned: " + addresses);
    assertEquals(
        new HashSet<>(addresses).size(),
        addresses.size(),
        "each choice logged once per executor, not once per task ("
            + inputs
            + " tasks): "
            + addresses);
  }

  /**
   * A discovery script as Spark calls it (no arguments), reporting fake addresses through the real
   * script.
   */
  static Path fakeGpuDiscovery(Path dir, String addresses) throws Exception {
    Path real = Fixtures.repoRoot().resolve("submit/getGpusResources.sh");
    Path script = dir.resolve("fake-gpus.sh");
    Files.writeString(
        script,
        "#!/usr/bin/env bash\nSUPERRES_FAKE_GPUS='" + addresses + "' exec '" + real + "'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  static List<JsonNode> manifest(Path out) throws Exception {
    List<JsonNode> rows = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> runs = Files.list(out.resolve("_runs"))) {
      for (Path run : runs.collect(Collectors.toList())) {
        for (String line :
            Files.readAllLines(run.resolve("manifest.jsonl"), StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            rows.add(json.readTree(line));
          }
        }
      }
    }
    return rows;
  }

  static Set<String> apps() throws Exception {
    Path work = Paths.get(System.getenv("SPARK_HOME"), "work");
    Set<String> apps = new TreeSet<>();
    if (Files.isDirectory(work)) {
      try (Stream<Path> s = Files.list(work)) {
        s.forEach(p -> apps.add(p.getFileName().toString()));
      }
    }
    return apps;
  }
}
