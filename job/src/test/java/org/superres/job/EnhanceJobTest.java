package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.manifest.ManifestRow;
import org.superres.samples.SampleImages;
import org.superres.testing.Fixtures;
import org.superres.testing.Images;
import org.superres.testing.SparkTestBase;

/** The enhance job in local mode over file://: images, manifest, summary, reruns. */
class EnhanceJobTest extends SparkTestBase {
  @TempDir static Path tmp;
  static Path in;
  static String model;

  @BeforeAll
  static void corpus() throws Exception {
    model = Fixtures.ownModel().toString();
    in = tmp.resolve("in");
    Files.createDirectories(in.resolve("box 1"));
    write(in.resolve("page.png"), Images.encode(SampleImages.textPage(90, 120, 1), ".png"));
    write(in.resolve("box 1/scene.jpg"), Images.encode(Images.scene(100, 70), ".jpg"));
    write(
        in.resolve("box 1/grey.tif"),
        Images.encode(SampleImages.grey(Images.scene(64, 40)), ".tif"));
    write(in.resolve("logo.png"), Images.encode(SampleImages.logoWithAlpha(60, 40), ".png"));
    write(in.resolve("empty.png"), new byte[0]);
    write(in.resolve("notes.jpg"), "shelf list, box 1\n".getBytes(StandardCharsets.UTF_8));
    byte[] png = Images.encode(Images.scene(80, 60), ".png");
    write(in.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
    write(in.resolve("readme.txt"), "not listed: wrong extension".getBytes(StandardCharsets.UTF_8));
  }

  static void write(Path p, byte[] b) throws Exception {
    Files.write(p, b);
  }

  static List<Row> manifest(EnhanceJob.Outcome o) {
    return spark
        .read()
        .parquet(o.layout.root() + "/_manifest")
        .filter("run_id = '" + o.runId + "'")
        .collectAsList();
  }

  static Map<String, Row> byName(List<Row> rows) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : rows) {
      String uri = r.getAs("input_uri");
      m.put(uri.substring(uri.indexOf("/in/") + 4), r);
    }
    return m;
  }

  @Test
  void writesImagesManifestAndSummaryThenSkipsThenOverwrites() throws Exception {
    Path out = tmp.resolve("out");
    EnhanceJob.Outcome first =
        enhance(
            "input=[\"" + in.toUri() + "\"]",
            "output.uri=" + out.toUri(),
            "model.uri=" + model,
            "tiling.tile=48",
            "failures.max-ratio=0.5");

    // one row per listed input (7 images, the .txt is not listed), good ones ok, bad ones failed
    // with a reason
    Map<String, Row> rows = byName(manifest(first));
    assertEquals(7, rows.size(), rows.keySet().toString());
    for (String ok : List.of("page.png", "box 1/scene.jpg", "box 1/grey.tif", "logo.png")) {
      Row r = rows.get(ok);
      assertEquals("ok", r.getAs("status"), ok + ": " + r.getAs("error"));
      for (String col : Row_columns(r)) {
        if (!List.of("error", "error_kind", "postprocess", "note")
            .contains(col)) { // null when nothing to say
          assertNotNull(r.getAs(col), ok + " has null " + col);
        }
      }
      assertNull(r.getAs("error"));
      assertEquals(3 * (int) r.getAs("input_width"), (int) r.getAs("output_width"));
      assertEquals(3 * (int) r.getAs("input_height"), (int) r.getAs("output_height"));
      assertEquals("cpu", r.getAs("device"));
      String outUri = r.getAs("output_uri");
      Mat written =
          opencv_imgcodecs.imread(local((outUri)).toString(), opencv_imgcodecs.IMREAD_UNCHANGED);
      assertEquals(
          (int) r.getAs("output_width"), written.cols(), "image on disk matches the manifest");
      assertEquals((int) r.getAs("channels"), written.channels());
    }
    assertTrue(
        ((String) rows.get("box 1/scene.jpg").getAs("output_uri"))
            .endsWith("/out/box 1/scene.png"));
    assertEquals(1, (int) rows.get("box 1/grey.tif").getAs("channels"));
    assertEquals(4, (int) rows.get("logo.png").getAs("channels"));
    assertTrue(
        (int) rows.get("page.png").getAs("tiles") > 1, "90x120 in 48-px tiles takes several tiles");
    assertFailed(rows.get("empty.png"), "empty: ");
    assertFailed(rows.get("notes.jpg"), "not-an-image: not an image: content is text");
    assertFailed(rows.get("truncated.png"), "decode: ");

    // JSON Lines: same rows, every column present (nulls written out)
    Path runDir = local((first.layout.root() + "/_runs/" + first.runId));
    List<String> lines = Files.readAllLines(runDir.resolve("manifest.jsonl"));
    assertEquals(7, lines.size());
    ObjectMapper json = new ObjectMapper();
    JsonNode line = json.readTree(lines.get(0));
    assertEquals(
        ManifestRow.SCHEMA.size(), line.size(), "every manifest column in every JSON line");
    assertTrue(line.has("error"));
    JsonNode summary = json.readTree(runDir.resolve("summary.json").toFile());
    assertEquals(7, summary.at("/inputs/listed").asInt());
    assertEquals(4, summary.at("/inputs/ok").asInt());
    assertEquals(3, summary.at("/inputs/failed").asInt());
    assertEquals(1, summary.at("/errors_by_kind/decode").asInt());
    assertEquals(0, summary.at("/exit_code").asInt());
    // at most one load in this JVM (zero when an earlier test of this JVM already loaded the same
    // model)
    assertTrue(summary.at("/model/loads").asInt() <= 1);
    int loadsAfterFirstRun = org.superres.engine.ModelCache.loads();
    assertEquals(first.runId, summary.at("/run_id").asText());
    assertEquals(0, first.exitCode);

    // rerun with skip-existing: every ok one is skipped, not processed again
    long mtime =
        Files.getLastModifiedTime(local((rows.get("page.png").getAs("output_uri")))).toMillis();
    EnhanceJob.Outcome second =
        enhance(
            "input=[\"" + in.toUri() + "\"]",
            "output.uri=" + out.toUri(),
            "model.uri=" + model,
            "failures.max-ratio=0.5");
    assertNotEquals(first.runId, second.runId);
    Map<String, Row> again = byName(manifest(second));
    assertEquals(7, again.size());
    for (String ok : List.of("page.png", "box 1/scene.jpg", "box 1/grey.tif", "logo.png")) {
      assertEquals("skipped", again.get(ok).getAs("status"), ok);
    }
    assertEquals("failed", again.get("empty.png").getAs("status"));
    assertEquals(0, second.summary.totals.inputs.ok);
    assertEquals(
        mtime,
        Files.getLastModifiedTime(local((rows.get("page.png").getAs("output_uri")))).toMillis(),
        "skipped output untouched");

    // overwrite rewrites them
    EnhanceJob.Outcome third =
        enhance(
            "input=[\"" + in.toUri() + "\"]",
            "output.uri=" + out.toUri(),
            "model.uri=" + model,
            "output.mode=overwrite",
            "failures.max-ratio=0.5");
    Map<String, Row> rewritten = byName(manifest(third));
    assertEquals("ok", rewritten.get("page.png").getAs("status"));
    assertEquals(4, third.summary.totals.inputs.ok);

    assertEquals(
        loadsAfterFirstRun,
        org.superres.engine.ModelCache.loads(),
        "later runs reuse the loaded model");

    // the shared manifest table holds all three runs, each row exactly once
    assertEquals(21, spark.read().parquet(first.layout.root() + "/_manifest").count());
    // nothing but outputs and run files in the output root: no temporary files left behind
    try (Stream<Path> files = Files.walk(out)) {
      List<String> leftovers =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".tmp"))
              .collect(Collectors.toList());
      assertTrue(leftovers.isEmpty(), leftovers.toString());
    }
  }

  @Test
  void failureRatioOverTheLimitGivesExitCodeThree() throws Exception {
    Path out = tmp.resolve("out-strict");
    EnhanceJob.Outcome o =
        enhance(
            "input=[\"" + in.toUri() + "\"]",
            "output.uri=" + out.toUri(),
            "model.uri=" + model,
            "failures.max-ratio=0.1");
    assertEquals(3, o.exitCode);
    assertEquals(3, o.summary.totals.inputs.failed);
  }

  @Test
  void sameFormatKeepsTheInputExtension() throws Exception {
    Path out = tmp.resolve("out-same");
    EnhanceJob.Outcome o =
        enhance(
            "input=[\"" + "file:" + in.resolve("box 1") + "/*.jpg\"]",
            "output.uri=" + out.toUri(),
            "model.uri=" + model,
            "output.format=same");
    assertEquals(1, o.summary.totals.inputs.ok);
    assertTrue(
        Files.exists(out.resolve("scene.jpg")), "glob root is the folder before the wildcard");
    assertFalse(Files.exists(out.resolve("box 1")));
  }

  @Test
  void pyramidalTiffOutputsAndOutputsOverTheInMemoryLimit() throws Exception {
    Path out = tmp.resolve("out-pyramid");
    EnhanceJob.Outcome o =
        enhance(
            "input=[\"" + in.toUri() + "\"]",
            "output.uri=" + out.toUri(),
            "model.uri=" + model,
            "output.format=tiff-pyramid",
            "report.enabled=false");
    assertEquals(4, o.summary.totals.inputs.ok);
    org.bytedeco.opencv.opencv_core.MatVector pages =
        new org.bytedeco.opencv.opencv_core.MatVector();
    assertTrue(
        opencv_imgcodecs.imreadmulti(
            out.resolve("page.tif").toString(), pages, opencv_imgcodecs.IMREAD_UNCHANGED));
    assertEquals(2, pages.size(), "270x360 then 135x180: the first level that fits a 256 tile");
    assertEquals(270, pages.get(0).cols());
    assertEquals(135, pages.get(1).cols());

    // JPEG outputs are encoded whole: over the limit, the input fails naming the key
    Path jpeg = tmp.resolve("out-limit");
    EnhanceJob.Outcome j =
        enhance(
            "input=[\"" + in.toUri() + "\"]",
            "output.uri=" + jpeg.toUri(),
            "model.uri=" + model,
            "output.format=jpeg",
            "limits.max-output-pixels-in-memory=50000",
            "report.enabled=false");
    Map<String, Row> rows = byName(manifest(j));
    assertFailed(rows.get("box 1/scene.jpg"), "limits: the output would be 300x210 = 63000");
    String error = rows.get("box 1/scene.jpg").getAs("error");
    assertTrue(error.contains("limits.max-output-pixels-in-memory=50000"), error);
    assertEquals("ok", rows.get("box 1/grey.tif").getAs("status"), "192x120 is under the limit");
  }

  private static void assertFailed(Row r, String errorPrefix) {
    assertEquals("failed", r.getAs("status"));
    String error = r.getAs("error");
    assertTrue(error != null && error.startsWith(errorPrefix), error);
    assertTrue(error.startsWith(r.getAs("error_kind") + ": "), "error_kind names the kind: " + r);
    assertNotNull(r.getAs("finished_at"));
    assertNotNull(r.getAs("executor_id"));
  }

  /** Manifest URIs are Hadoop paths (not %-escaped), as users see them in their buckets. */
  static Path local(String hadoopPath) {
    return Path.of(new org.apache.hadoop.fs.Path(hadoopPath).toUri().getPath());
  }

  @Test
  void aKilledRunsPendingManifestFilesNeverJoinALaterRun() throws Exception {
    Path out = tmp.resolve("out-ghost");
    // What a driver killed during its manifest commit leaves: a committed task's file under
    // _temporary.
    Path staged = tmp.resolve("ghost-staging");
    spark
        .createDataFrame(
            List.of(org.apache.spark.sql.RowFactory.create("file:/ghost.png")),
            new org.apache.spark.sql.types.StructType().add("input_uri", "string"))
        .coalesce(1)
        .write()
        .parquet(staged.toUri().toString());
    Path part;
    try (Stream<Path> files = Files.list(staged)) {
      part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().get();
    }
    Path ghost = out.resolve("_manifest/_temporary/0/task_202611280000_0000_m_000000/run_id=GHOST");
    Files.createDirectories(ghost);
    Files.copy(part, ghost.resolve("part-00000.parquet"));

    EnhanceJob.Outcome run =
        enhance(
            "input=[\"" + in.resolve("page.png").toUri() + "\"]",
            "output.uri=" + out.toUri(),
            "model.uri=" + model);
    assertEquals(1, manifest(run).size());
    assertFalse(
        Files.exists(out.resolve("_manifest/run_id=GHOST")),
        "the killed run's file was not committed");
    List<String> runIds =
        spark
            .read()
            .parquet(out.resolve("_manifest").toUri().toString())
            .select("run_id")
            .distinct()
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .collect(Collectors.toList());
    assertEquals(List.of(run.runId), runIds);
    assertFalse(Files.exists(out.resolve("_manifest/run_id=" + run.runId + "/_temporary")));
  }

  private static List<String> Row_columns(Row r) {
    return Arrays.asList(r.schema().fieldNames());
  }
}
