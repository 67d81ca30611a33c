package org.superres.listing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.superres.cli.Main;
import org.superres.job.JobTestSupport;
import org.superres.testing.Fixtures;
import org.superres.testing.HostileCorpus;

/**
 * What real archive disks hold, on a real local disk, through the real command line: a named pipe,
 * a socket and a dangling link at image names, a link loop, a link to a file already listed, hidden
 * directories, a GIF whose screen is far larger than its frame, a name with colons, and the output
 * tree inside the input tree. Nothing hangs (a pipe opened for reading would block forever: the
 * timeout guards against that), nothing loops, every listed input has one row, a rerun lists the
 * same inputs, and nothing is written outside --output.
 */
class ArchiveDiskTest {
  private static final String COLONS = "2026-01-01T10:00:00.png";

  @TempDir Path base;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void everyEntryOfAHostileDiskGetsItsRowAndNothingHangsLoopsOrEatsItsOutput() throws Exception {
    Path scans = corpus();
    Path out = scans.resolve("enhanced"); // inside the input, as a nightly run over /archive does
    TreeSet<String> outside = treeOutside(out);

    long t = System.nanoTime();
    assertEquals(0, enhance(scans, out), "first run");
    System.out.printf("[archive-disk] first run %.1f s%n", (System.nanoTime() - t) / 1e9);
    List<String> runs = JobTestSupport.runIds(out);
    Map<String, JsonNode> first = byRelativeName(scans, rows(out, runs.get(0)));
    print(first);

    assertEquals(
        new TreeSet<>(
            Arrays.asList(
                "a.png",
                "b.jpg",
                "sub/c.png",
                COLONS,
                "fifo.png",
                "sock.png",
                "dangling.png",
                "screen.gif")),
        first.keySet(),
        "one row per input: the link to a.png is a.png, the loop and hidden trees list nothing");
    for (String ok : List.of("a.png", "b.jpg", "sub/c.png", COLONS)) {
      assertEquals("ok", first.get(ok).get("status").asText(), ok + ": " + first.get(ok));
    }
    assertTrue(Files.isRegularFile(out.resolve(COLONS)), "a name with colons is written");
    assertNotAFile(first.get("fifo.png"), "named pipe (FIFO)");
    assertNotAFile(first.get("sock.png"), "socket");
    assertNotAFile(first.get("dangling.png"), "dangling symbolic link");
    JsonNode gif = first.get("screen.gif");
    assertEquals("failed", gif.get("status").asText());
    assertEquals("limits", gif.get("error_kind").asText());
    assertTrue(
        gif.get("error").asText().contains("GIF logical screen is 40000x40000"), gif.toString());

    // A nightly rerun lists exactly the same inputs: not its own outputs, not its report images.
    t = System.nanoTime();
    assertEquals(0, enhance(scans, out), "second run");
    System.out.printf("[archive-disk] second run %.1f s%n", (System.nanoTime() - t) / 1e9);
    runs = JobTestSupport.runIds(out);
    Map<String, JsonNode> second = byRelativeName(scans, rows(out, runs.get(1)));
    assertEquals(first.keySet(), second.keySet());
    assertEquals("skipped", second.get("a.png").get("status").asText());

    // Following links: the loop leads back to scans itself, listed once.
    assertEquals(0, enhance(scans, out, "--set", "listing.follow-links=true"), "third run");
    runs = JobTestSupport.runIds(out);
    assertEquals(first.keySet(), byRelativeName(scans, rows(out, runs.get(2))).keySet());

    // An input inside the output: refused at start.
    String[] err = new String[1];
    int inside = captured(err, () -> enhance(out.resolve("sub"), out));
    assertEquals(2, inside, err[0]);
    assertTrue(err[0].contains("is inside --output"), err[0]);

    assertEquals(outside, treeOutside(out), "nothing written outside --output");
  }

  /** A run's rows: eight, one per input, however many ways there are to reach one. */
  private static List<JsonNode> rows(Path out, String runId) throws Exception {
    List<JsonNode> rows = JobTestSupport.manifest(out, runId);
    assertEquals(8, rows.size(), "rows of run " + runId + ": " + rows);
    return rows;
  }

  private static void assertNotAFile(JsonNode row, String what) {
    assertEquals("failed", row.get("status").asText(), row.toString());
    assertEquals("not-a-file", row.get("error_kind").asText(), row.toString());
    assertTrue(row.get("error").asText().startsWith("not-a-file: " + what), row.toString());
  }

  private int enhance(Path in, Path out, String... extra) throws Exception {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "enhance",
                "--input",
                in.toString(),
                "--output",
                out.toString(),
                "--model",
                Fixtures.ownModel().toString(),
                "--master",
                "local[2]",
                "--set",
                "failures.max-ratio=1",
                "--set",
                "limits.input-timeout=2m"));
    argv.addAll(Arrays.asList(extra));
    org.apache.hadoop.fs.FileSystem.closeAll();
    return Main.run(argv.toArray(new String[0]));
  }

  private interface Run {
    int run() throws Exception;
  }

  private static int captured(String[] err, Run r) throws Exception {
    PrintStream saved = System.err;
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      return r.run();
    } finally {
      System.setErr(saved);
      err[0] = e.toString(StandardCharsets.UTF_8);
    }
  }

  /** The rows by input path below scans ('/'-separated). */
  private static Map<String, JsonNode> byRelativeName(Path scans, List<JsonNode> rows) {
    Map<String, JsonNode> m = new TreeMap<>();
    for (JsonNode r : rows) {
      Path p = JobTestSupport.local(r.get("input_uri").asText());
      m.put(scans.relativize(p).toString(), r);
    }
    return m;
  }

  private static void print(Map<String, JsonNode> rows) {
    rows.forEach(
        (name, r) ->
            System.out.printf(
                "[archive-disk] %-26s %-7s %s%n",
                name,
                r.get("status").asText(),
                r.get("error").isNull() ? "" : r.get("error").asText()));
  }

  /** Files and directories below base that are not below out (links not followed). */
  private TreeSet<String> treeOutside(Path out) throws Exception {
    try (java.util.stream.Stream<Path> s = Files.walk(base)) {
      return s.filter(p -> !p.startsWith(out))
          .map(p -> base.relativize(p).toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private Path corpus() throws Exception {
    Path scans = Files.createDirectories(base.resolve("scans"));
    byte[] png =
        HostileCorpus.png(
            HostileCorpus.gradient(24, 16, java.awt.image.BufferedImage.TYPE_3BYTE_BGR));
    Files.write(scans.resolve("a.png"), png);
    Files.write(scans.resolve("b.jpg"), HostileCorpus.cvEncode(".jpg", HostileCorpus.mat(png)));
    Files.createDirectories(scans.resolve("sub"));
    Files.write(scans.resolve("sub/c.png"), png);
    Files.write(scans.resolve(COLONS), png);
    Files.write(scans.resolve("screen.gif"), gifWithScreen(40000, 40000));
    run("mkfifo", scans.resolve("fifo.png").toString());
    run(
        "python3",
        "-c",
        "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])",
        scans.resolve("sock.png").toString());
    Files.createSymbolicLink(scans.resolve("dangling.png"), Paths.get("gone.png"));
    Files.createSymbolicLink(scans.resolve("loop"), Paths.get("."));
    Files.createSymbolicLink(scans.resolve("alias.png"), Paths.get("a.png"));
    Files.createDirectories(scans.resolve(".cache"));
    Files.write(scans.resolve(".cache/x.png"), png);
    Files.createDirectories(scans.resolve("_old"));
    Files.write(scans.resolve("_old/y.png"), png);
    return scans;
  }

  private static void run(String... command) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      assumeTrue(false, "skipped: " + command[0] + " is not installed");
      return;
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(
        p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0,
        String.join(" ", command) + ": " + output);
  }

  /** A one-pixel GIF whose logical screen (which decoders allocate whole) is width x height. */
  static byte[] gifWithScreen(int width, int height) {
    byte[] gif = {
      'G',
      'I',
      'F',
      '8',
      '9',
      'a',
      1,
      0,
      1,
      0,
      (byte) 0x80,
      0,
      0,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      0,
      0,
      0,
      0x2c,
      0,
      0,
      0,
      0,
      1,
      0,
      1,
      0,
      0,
      2,
      2,
      0x44,
      1,
      0,
      0x3b
    };
    gif[6] = (byte) width;
    gif[7] = (byte) (width >> 8);
    gif[8] = (byte) height;
    gif[9] = (byte) (height >> 8);
    return gif;
  }
}
