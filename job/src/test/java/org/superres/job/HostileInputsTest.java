package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.engine.DecodedImage;
import org.superres.engine.ExifOrientation;
import org.superres.engine.ImageCodec;
import org.superres.engine.ImageLimits;
import org.superres.manifest.ManifestRow;
import org.superres.testing.Fixtures;
import org.superres.testing.HostileCorpus;

/**
 * The whole job over the generated hostile corpus (HostileCorpus): every case ends in exactly one
 * manifest row with the expected status and error or note, good outputs decode at the expected
 * size, the run completes with exit code 0 (failures.max-ratio = 1 here), and nothing appears
 * outside --output.
 */
class HostileInputsTest {
  @TempDir Path base;

  @Test
  void everyHostileInputEndsInOneClearRowAndNothingLeavesTheOutput() throws Exception {
    Path model = Fixtures.ownModel();
    Path in = Files.createDirectories(base.resolve("archive/in"));
    Path outParent = Files.createDirectories(base.resolve("archive/out"));
    Path out = outParent.resolve("result");
    Files.writeString(outParent.resolve("neighbour.txt"), "must stay untouched");
    HostileCorpus corpus = new HostileCorpus().write(in);
    assertTrue(corpus.cases.size() >= 25, "at least 25 cases");
    TreeSet<String> baseBefore = JobTestSupport.tree(base);

    SparkSession spark = JobTestSupport.session("local[2]");
    EnhanceJob.Outcome outcome;
    try {
      // '..' segments in the --input itself: the listing root is normalised before anything is
      // derived from it
      outcome =
          new EnhanceJob(
                  spark,
                  JobTestSupport.settings(
                      "input=[\"" + in.resolve("../in/.").toUri() + "\"]",
                      "output.uri=" + out.toUri(),
                      "model.uri=" + model.toUri(),
                      "limits.max-input-bytes=" + HostileCorpus.MAX_BYTES,
                      "failures.max-ratio=1",
                      "partitions.max-files=8"))
              .afterPlanning(() -> delete(in.resolve(HostileCorpus.VANISHING)))
              .run();
    } finally {
      spark.stop();
    }
    assertEquals(EnhanceJob.EXIT_OK, outcome.exitCode);

    List<JsonNode> rows = JobTestSupport.manifest(out, outcome.runId);
    for (JsonNode r : rows) {
      for (String column : ManifestRow.SCHEMA.fieldNames()) {
        assertTrue(
            r.has(column),
            "manifest.jsonl rows hold every column, null included: " + column + " in " + r);
      }
    }
    assertEquals(corpus.cases.size(), rows.size(), "one row per listed input");
    ImageCodec codec = new ImageCodec(new ImageLimits(0, 0));
    List<String> report = new ArrayList<>();
    Set<String> seenUris = new TreeSet<>();
    for (HostileCorpus.Case c : corpus.cases) {
      JsonNode row = rowOf(rows, in, c.name);
      assertTrue(seenUris.add(row.get("input_uri").asText()), "exactly one row for " + c.name);
      String error = nullOrMissing(row, "error") ? null : row.get("error").asText();
      String note = nullOrMissing(row, "note") ? null : row.get("note").asText();
      report.add(
          String.format(
              "%-28s %-7s %s",
              c.name,
              row.get("status").asText(),
              error != null ? error : note != null ? "note: " + note : ""));
      assertEquals(c.status, row.get("status").asText(), c.name + ": " + error);
      if (c.status.equals("failed")) {
        assertNotNull(error, c.name);
        assertTrue(
            error.startsWith(c.text),
            c.name + ": expected '" + c.text + "...' but was '" + error + "'");
        assertFalse(
            Files.exists(JobTestSupport.local(row.get("output_uri").asText())),
            c.name + " has no output");
        continue;
      }
      assertTrue(nullOrMissing(row, "error"), c.name + " has no error");
      if (c.note != null) {
        assertNotNull(note, c.name + " says how it was read");
        assertTrue(note.startsWith(c.note), c.name + ": note " + note);
      }
      Path output = JobTestSupport.local(row.get("output_uri").asText());
      assertTrue(output.startsWith(out), c.name + " output " + output + " is below --output");
      assertEquals(
          in.relativize(in.resolve(c.name)).toString().replaceFirst("\\.[^./]+$", ".png"),
          out.relativize(output).toString(),
          c.name + ": same relative path, extension png");
      DecodedImage img = codec.decode(Files.readAllBytes(output));
      assertEquals(c.outWidth, img.width(), c.name + " width");
      assertEquals(c.outHeight, img.height(), c.name + " height");
      assertEquals(c.outWidth, row.get("output_width").asInt(), c.name);
      if (c.bitDepth != null) {
        assertEquals(
            c.bitDepth.intValue(), row.get("bit_depth").asInt(), c.name + " bit depth in the row");
        assertEquals(c.bitDepth.intValue(), img.bitDepth(), c.name + " bit depth of the output");
      }
      if (c.name.equals("icc.jpg")) {
        assertArrayEquals(
            HostileCorpus.iccProfile(), img.metadata.icc, "ICC profile carried into the PNG");
      }
      if (c.name.equals("rotated.jpg")) {
        assertNotNull(img.metadata.exif, "EXIF carried into the PNG");
        assertEquals(
            ExifOrientation.NORMAL, ExifOrientation.read(img.metadata.exif), "orientation reset");
      }
      if (c.name.equals("animated.gif") || c.name.equals("pages.tif")) {
        assertFirstFrameColour(img.pixels, c.name);
      }
    }
    System.out.println(
        "hostile corpus, " + rows.size() + " inputs:\n  " + String.join("\n  ", report));

    JsonNode summary = JobTestSupport.summary(out, outcome.runId);
    assertEquals(corpus.cases.size(), summary.at("/inputs/listed").asInt());
    assertTrue(
        summary.at("/errors_by_kind/not-an-image").asInt() >= 4,
        summary.get("errors_by_kind").toString());

    // Nothing outside --output: the tree around it is what it was, less the input deleted on
    // purpose.
    TreeSet<String> baseAfter = JobTestSupport.tree(base);
    baseAfter.removeIf(p -> p.equals("archive/out/result") || p.startsWith("archive/out/result/"));
    baseBefore.remove("archive/in/" + HostileCorpus.VANISHING);
    assertEquals(baseBefore, baseAfter, "files appeared or vanished outside --output");
    assertTrue(
        JobTestSupport.tree(out).stream().noneMatch(p -> p.endsWith(".tmp")),
        "no temporary file left");
  }

  /**
   * Frames of HostileCorpus.sequence are RGB (0,255,120), (60,195,120), (120,135,120): this is
   * frame 0.
   */
  private static void assertFirstFrameColour(Mat m, String name) {
    org.bytedeco.javacpp.indexer.UByteIndexer px = m.createIndexer();
    int y = m.rows() / 2;
    int x = m.cols() / 2;
    assertTrue(
        px.get(y, x, 1) > 200 && px.get(y, x, 2) < 40,
        name + ": centre pixel is not the first frame's colour");
  }

  private static JsonNode rowOf(List<JsonNode> rows, Path in, String name) {
    String suffix = "/" + name;
    JsonNode found = null;
    for (JsonNode r : rows) {
      if (JobTestSupport.local(r.get("input_uri").asText()).equals(in.resolve(name).normalize())
          || r.get("input_uri").asText().endsWith(suffix) && found == null) {
        found = r;
      }
    }
    assertNotNull(found, "no manifest row for " + name);
    return found;
  }

  private static boolean nullOrMissing(JsonNode row, String column) {
    return row.path(column).isNull() || row.path(column).isMissingNode();
  }

  private static void delete(Path p) {
    try {
      Files.delete(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
