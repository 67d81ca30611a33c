package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.cli.Main;
import org.superres.config.ConfigError;
import org.superres.testing.Fixtures;
import org.superres.testing.HostileCorpus;

/**
 * Scheduled incremental runs (--since / incremental.since): a second run over a grown folder
 * processes only the new and the changed inputs, skips the unchanged ones with a note (each still
 * has its row), ignores runs that did not succeed as baselines, and reports the counts in
 * summary.json.
 */
class IncrementalRunTest {
  @TempDir Path dir;

  @Test
  void onlyNewAndChangedInputsAreProcessedSinceTheLastSuccessfulRun() throws Exception {
    Path model = Fixtures.ownModel();
    Path in = Files.createDirectories(dir.resolve("bucket"));
    Path out = dir.resolve("out");
    for (String n : new String[] {"a", "b", "c"}) {
      write(in.resolve(n + ".png"), 24, 16);
    }
    String run1 = enhance(model, in, out, "--since", "last");
    JsonNode s1 = JobTestSupport.summary(out, run1);
    assertEquals(3, s1.at("/inputs/ok").asInt(), "no earlier run: everything is new");
    assertTrue(s1.at("/incremental/baseline_run").isNull());

    // The bucket grows and one scan is replaced; a killed run and a failed run come after run 1.
    write(in.resolve("d.png"), 24, 16);
    FileTime bBefore = Files.getLastModifiedTime(in.resolve("b.png"));
    write(in.resolve("b.png"), 30, 20);
    Files.setLastModifiedTime(
        in.resolve("b.png"), FileTime.fromMillis(bBefore.toMillis() + 60_000));
    Files.createDirectories(
        out.resolve("_runs/99990101T000000Z-000001")); // killed: no summary.json
    Files.createDirectories(out.resolve("_runs/99990101T000000Z-000002"));
    Files.writeString(
        out.resolve("_runs/99990101T000000Z-000002/summary.json"), "{\"exit_code\": 3}");

    String run2 = enhance(model, in, out, "--since", "last");
    Map<String, JsonNode> rows = byName(JobTestSupport.manifest(out, run2));
    assertEquals(4, rows.size(), "every listed input has one row");
    for (String unchanged : new String[] {"a.png", "c.png"}) {
      assertEquals("skipped", rows.get(unchanged).get("status").asText(), unchanged);
      assertEquals(
          "unchanged since run " + run1 + " (incremental.since=last)",
          rows.get(unchanged).get("note").asText());
    }
    assertEquals(
        "ok", rows.get("b.png").get("status").asText(), "changed input replaces its stale output");
    assertEquals(90, rows.get("b.png").get("output_width").asInt());
    assertEquals(90, HostileCorpus.mat(Files.readAllBytes(out.resolve("b.png"))).cols());
    assertEquals("ok", rows.get("d.png").get("status").asText(), "new input");
    JsonNode s2 = JobTestSupport.summary(out, run2);
    assertEquals(
        run1,
        s2.at("/incremental/baseline_run").asText(),
        "failed and unfinished runs are no baseline");
    assertEquals(2, s2.at("/incremental/unchanged_skipped").asInt());
    assertEquals(2, s2.at("/inputs/ok").asInt());
    assertEquals(2, s2.at("/inputs/skipped").asInt());

    String run3 = enhance(model, in, out, "--since", "last");
    JsonNode s3 = JobTestSupport.summary(out, run3);
    assertEquals(run2, s3.at("/incremental/baseline_run").asText());
    assertEquals(
        4, s3.at("/incremental/unchanged_skipped").asInt(), "nothing new: nothing processed");
    assertEquals(0, s3.at("/inputs/ok").asInt());

    // A fixed time: only what was modified after it.
    Files.setLastModifiedTime(
        in.resolve("a.png"), FileTime.from(Instant.parse("2001-05-01T00:00:00Z")));
    String run4 = enhance(model, in, out, "--since", "2010-01-01");
    Map<String, JsonNode> rows4 = byName(JobTestSupport.manifest(out, run4));
    assertEquals("skipped", rows4.get("a.png").get("status").asText());
    assertEquals(
        "not modified since 2010-01-01T00:00:00Z (incremental.since)",
        rows4.get("a.png").get("note").asText());
    for (String n : new String[] {"b.png", "c.png", "d.png"}) {
      assertEquals(
          "ok", rows4.get(n).get("status").asText(), n + " was modified after the given time");
    }
    assertNotEquals(
        rows4.get("b.png").get("input_mtime").asText(),
        rows.get("a.png").get("input_mtime").asText());
  }

  @Test
  void sinceValuesAreCheckedAtStart() {
    assertEquals(
        "2026-11-27T00:00:00Z", JobTestSupport.settings("incremental.since=2026-11-27").since);
    assertEquals("last", JobTestSupport.settings("incremental.since=LAST").since);
    assertEquals(
        "2026-11-27T02:30:00Z",
        JobTestSupport.settings("incremental.since=2026-11-27T02:30:00Z").since);
    assertNull(JobTestSupport.settings().since);
    ConfigError e =
        assertThrows(
            ConfigError.class, () -> JobTestSupport.settings("incremental.since=yesterday"));
    assertTrue(e.getMessage().contains("incremental.since"), e.getMessage());
  }

  private static String enhance(Path model, Path in, Path out, String... extra) throws Exception {
    List<String> before =
        Files.isDirectory(out.resolve("_runs")) ? JobTestSupport.runIds(out) : List.of();
    List<String> argv =
        new java.util.ArrayList<>(
            List.of(
                "enhance",
                "--input",
                in.toString(),
                "--output",
                out.toString(),
                "--model",
                model.toString(),
                "--master",
                "local[2]"));
    argv.addAll(List.of(extra));
    assertEquals(0, Main.run(argv.toArray(new String[0])));
    List<String> after = new java.util.ArrayList<>(JobTestSupport.runIds(out));
    after.removeAll(before);
    assertEquals(1, after.size(), "one new run: " + after);
    return after.get(0);
  }

  private static Map<String, JsonNode> byName(List<JsonNode> rows) {
    Map<String, JsonNode> m = new HashMap<>();
    for (JsonNode r : rows) {
      assertNull(
          m.put(JobTestSupport.local(r.get("input_uri").asText()).getFileName().toString(), r),
          "duplicate row " + r);
    }
    return m;
  }

  private static void write(Path p, int w, int h) throws Exception {
    Files.write(p, HostileCorpus.png(HostileCorpus.gradient(w, h, BufferedImage.TYPE_3BYTE_BGR)));
  }
}
