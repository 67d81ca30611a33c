package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.cli.Main;
import org.superres.engine.DecodedImage;
import org.superres.engine.ImageCodec;
import org.superres.engine.ImageLimits;
import org.superres.testing.Fixtures;
import org.superres.testing.HostileCorpus;

/**
 * The driver dies mid-run: the job runs as its own JVM (java, the test classpath,
 * org.superres.cli.Main, embedded local mode) and is killed (SIGKILL) once some outputs exist. A
 * rerun into the same output resumes: what was written is skipped and counted as skipped, untouched
 * (not processed twice); the rest is processed; a partial temporary left by the killed attempt
 * neither shows as an output nor breaks the rerun; every input has exactly one row.
 */
class DriverKillResumeTest {
  private static final int INPUTS = 36;

  @TempDir Path dir;

  @Test
  void aRerunAfterTheDriverIsKilledFinishesTheWorkWithoutRedoingIt() throws Exception {
    Path model = Fixtures.ownModel();
    Path in = Files.createDirectories(dir.resolve("in"));
    Path out = dir.resolve("out");
    for (int i = 0; i < INPUTS; i++) {
      Files.write(
          in.resolve(String.format("scan-%02d.png", i)),
          HostileCorpus.png(HostileCorpus.gradient(200 + i, 150, BufferedImage.TYPE_3BYTE_BGR)));
    }
    String[] args = {
      "enhance",
      "--input",
      in.toString(),
      "--output",
      out.toString(),
      "--model",
      model.toString(),
      "--master",
      "local[1]",
      "--set",
      "partitions.max-files=1",
      "--set",
      "device.threads=1"
    };

    Process driver = startDriverJvm(args, dir.resolve("driver.log"));
    int killedAfter;
    try {
      killedAfter = waitForOutputs(out, 3, driver);
    } finally {
      driver.destroyForcibly();
      driver.waitFor(60, TimeUnit.SECONDS);
    }
    Set<String> written = JobTestSupport.images(out);
    assertTrue(written.size() >= killedAfter, "outputs seen before the kill are still there");
    assertTrue(
        written.size() < INPUTS,
        "the kill came mid-run (" + written.size() + " of " + INPUTS + " written)");
    if (Files.isDirectory(out.resolve("_runs"))) { // run files are written when a run ends
      for (String killedRun : JobTestSupport.runIds(out)) {
        assertFalse(
            Files.exists(out.resolve("_runs").resolve(killedRun).resolve("summary.json")),
            "the killed run has no summary");
      }
    }
    // What a kill between write and rename leaves: a hidden partial file, never a visible output.
    Path leftover = out.resolve(".scan-35.png.t999.tmp");
    Files.write(leftover, new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    Map<String, byte[]> before = new HashMap<>();
    Map<String, FileTime> mtimes = new HashMap<>();
    for (String name : written) {
      before.put(name, Files.readAllBytes(out.resolve(name)));
      mtimes.put(name, Files.getLastModifiedTime(out.resolve(name)));
    }
    List<String> runsBefore =
        Files.isDirectory(out.resolve("_runs")) ? JobTestSupport.runIds(out) : List.of();

    assertEquals(0, Main.run(args), "the rerun succeeds");

    List<String> runs = new ArrayList<>(JobTestSupport.runIds(out));
    runs.removeAll(runsBefore);
    assertEquals(1, runs.size());
    List<JsonNode> rows = JobTestSupport.manifest(out, runs.get(0));
    Map<String, JsonNode> byName = new HashMap<>();
    int duplicates = 0;
    for (JsonNode r : rows) {
      if (byName.put(JobTestSupport.local(r.get("input_uri").asText()).getFileName().toString(), r)
          != null) {
        duplicates++;
      }
    }
    int lost = INPUTS - byName.size();
    int skipped = 0;
    int ok = 0;
    for (JsonNode r : rows) {
      String name = JobTestSupport.local(r.get("output_uri").asText()).getFileName().toString();
      if (r.get("status").asText().equals("skipped")) {
        skipped++;
        assertTrue(written.contains(name), name + " skipped although it had no output");
        assertEquals("output exists (output.mode=skip-existing)", r.get("note").asText());
      } else {
        assertEquals("ok", r.get("status").asText(), r.toString());
        ok++;
        assertFalse(written.contains(name), name + " processed twice");
      }
    }
    System.out.printf(
        "driver kill: inputs %d, outputs before kill %d, rerun rows %d (skipped %d, ok %d), "
            + "retries 0, duplicates %d, lost %d%n",
        INPUTS, written.size(), rows.size(), skipped, ok, duplicates, lost);
    assertEquals(0, duplicates, "duplicates");
    assertEquals(0, lost, "lost");
    assertEquals(INPUTS, rows.size());
    assertEquals(written.size(), skipped, "what was written is counted as skipped");
    assertEquals(INPUTS - written.size(), ok);
    assertEquals(
        written.size(), JobTestSupport.summary(out, runs.get(0)).at("/inputs/skipped").asInt());

    for (String name : written) {
      assertArrayEquals(
          before.get(name), Files.readAllBytes(out.resolve(name)), name + " was rewritten");
      assertEquals(
          mtimes.get(name), Files.getLastModifiedTime(out.resolve(name)), name + " was touched");
    }
    ImageCodec codec = new ImageCodec(new ImageLimits(0, 0));
    TreeSet<String> images = JobTestSupport.images(out);
    assertEquals(INPUTS, images.size(), "one output per input: " + images);
    for (String name : images) {
      DecodedImage img = codec.decode(Files.readAllBytes(out.resolve(name)));
      int i = Integer.parseInt(name.substring(5, 7));
      assertEquals(3 * (200 + i), img.width(), name + " is whole");
      assertEquals(450, img.height(), name);
    }
    assertFalse(Files.exists(leftover), "the stale temporary was cleared by the rerun");
    assertTrue(
        JobTestSupport.tree(out).stream().noneMatch(p -> p.endsWith(".tmp")), "no temporary left");
  }

  /**
   * java -cp <this test's classpath> org.superres.cli.Main ..., with the JVM flags Spark needs on
   * JDK 17.
   */
  private static Process startDriverJvm(String[] args, Path log) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")
          || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.reflect")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx1g");
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  /** Waits until at least n image outputs exist; returns how many were seen. */
  private static int waitForOutputs(Path out, int n, Process driver) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(out)) {
        try {
          int seen = JobTestSupport.images(out).size();
          if (seen >= n) {
            return seen;
          }
        } catch (java.io.UncheckedIOException | java.io.IOException e) {
          // a temporary renamed while the tree was walked: look again
        }
      }
      assertTrue(
          driver.isAlive(),
          "the driver JVM ended before writing " + n + " outputs (see driver.log)");
      Thread.sleep(20);
    }
    throw new AssertionError("no " + n + " outputs within 300 s");
  }
}
