package org.superres.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.testing.Fixtures;
import org.superres.tools.ToolsMain;

/**
 * The bench command end to end in a tiny configuration (real Spark local mode, real OpenCV, real
 * child JVMs for RSS): the report has the contract's keys with sane values. Speed itself is never
 * asserted.
 */
class BenchHarnessTest {
  private static final Path MODEL = Fixtures.ownModel();

  @TempDir Path tmp;

  @Test
  void tinyRunReportsRatiosRssThreadsAndThroughput() throws Exception {
    Path json = tmp.resolve("bench.json");
    int rc =
        ToolsMain.run(
            new String[] {
              "bench",
              "--master",
              "local[2]",
              "--models",
              MODEL.toString(),
              "--sizes",
              "24,40",
              "--images",
              "2",
              "--repeats",
              "1",
              "--matrix-size",
              "24",
              "--matrix-images",
              "2",
              "--matrix-repeats",
              "1",
              "--rss-sizes",
              "32,64",
              "--throughput-models",
              "edsr-own-x3=" + MODEL,
              "--throughput-size",
              "16",
              "--work-dir",
              tmp.resolve("work").toString(),
              "--json",
              json.toString()
            });
    assertEquals(0, rc);
    JsonNode r = new ObjectMapper().readTree(json.toFile());

    positiveFinite(r.at("/ratios/job_over_raw"));
    positiveFinite(r.at("/ratios/raw_over_per_image_load"));
    positiveFinite(r.at("/rss/ratio_64_over_32"));
    assertTrue(r.at("/rss/size_64/peak_kb").asLong() >= r.at("/rss/size_64/base_kb").asLong());
    positiveFinite(r.at("/conv/gflops_per_second"));

    assertEquals(2, r.get("results").size(), "one result per size");
    for (JsonNode res : r.get("results")) {
      for (String mode : new String[] {"raw", "job", "per_image_load"}) {
        JsonNode m = res.at("/modes/" + mode);
        positiveFinite(m.get("images_per_second"));
        positiveFinite(m.get("input_megapixels_per_second"));
        for (String st : new String[] {"read", "decode", "infer", "encode", "write"}) {
          assertTrue(m.at("/stage_ms_per_image/" + st).asDouble() >= 0, mode + " " + st);
        }
      }
      // The job keeps one model per executor JVM: after the warm-up run, runs load nothing.
      assertEquals(0, res.at("/modes/job/last_run/model_loads").asInt());
      positiveFinite(res.get("ceiling_megapixels_per_second"));
      positiveFinite(res.at("/tiling/tiled_over_untiled"));
    }

    assertEquals(4, r.at("/threads/matrix").size(), "slots {1,2} x threads {1,2}");
    for (JsonNode row : r.at("/threads/matrix")) {
      positiveFinite(row.get("input_megapixels_per_second"));
    }
    assertEquals(2, r.get("throughput").size(), "the measured model plus the throughput-only one");
    positiveFinite(r.at("/throughput/1/infer_megapixels_per_second"));
  }

  @Test
  void onlyTheMatrixRunsTheChosenSlotsAndThreadsWithTheEngineTiling() throws Exception {
    Path json = tmp.resolve("matrix.json");
    java.io.ByteArrayOutputStream table = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stdout = System.out;
    int rc;
    System.setOut(new java.io.PrintStream(table, true, "UTF-8"));
    try {
      rc =
          ToolsMain.run(
              new String[] {
                "bench",
                "--only",
                "matrix",
                "--models",
                MODEL.toString(),
                "--matrix-size",
                "40",
                "--matrix-images",
                "2",
                "--matrix-repeats",
                "1",
                "--matrix-slots",
                "2",
                "--matrix-threads",
                "1,2,3",
                "--set",
                "tiling.tile=24",
                "--set",
                "tiling.overlap=4",
                "--work-dir",
                tmp.resolve("work").toString(),
                "--json",
                json.toString()
              });
    } finally {
      System.setOut(stdout);
    }
    assertEquals(0, rc);
    JsonNode r = new ObjectMapper().readTree(json.toFile());
    assertTrue(r.get("results") == null && r.get("rss") == null, "only the matrix ran");
    assertEquals("24/4", r.at("/threads/tile").asText(), "the matrix uses the configured tiling");
    assertEquals(3, r.at("/threads/matrix").size());
    for (JsonNode row : r.at("/threads/matrix")) {
      assertEquals(2, row.get("slots").asInt());
      positiveFinite(row.get("input_megapixels_per_second"));
    }
    String printed = table.toString("UTF-8");
    assertTrue(
        printed.contains("local[2] device.threads=3") && printed.contains("best: local[2]"),
        printed);
  }

  @Test
  void onlyAcceptsMatrixOrGigapixel() throws Exception {
    assertEquals(2, ToolsMain.run(new String[] {"bench", "--only", "rss"}));
  }

  @Test
  void onlyGigapixelReportsStreamedRssItsRatioAndThroughput() throws Exception {
    Path json = tmp.resolve("giga.json");
    java.io.ByteArrayOutputStream table = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stdout = System.out;
    int rc;
    System.setOut(new java.io.PrintStream(table, true, "UTF-8"));
    try {
      rc =
          ToolsMain.run(
              new String[] {
                "bench",
                "--only",
                "gigapixel",
                "--models",
                MODEL.toString(),
                "--gigapixel-mp",
                "0.01,0.04",
                "--gigapixel-xmx",
                "512m",
                "--launcher-mp",
                "0",
                "--gigapixel-throughput-size",
                "40",
                "--repeats",
                "1",
                "--set",
                "tiling.tile=24",
                "--set",
                "tiling.overlap=4",
                "--work-dir",
                tmp.resolve("work").toString(),
                "--json",
                json.toString()
              });
    } finally {
      System.setOut(stdout);
    }
    assertEquals(0, rc);
    JsonNode g = new ObjectMapper().readTree(json.toFile()).get("gigapixel");
    assertEquals(2, g.get("rss").size());
    for (JsonNode m : g.get("rss")) {
      positiveFinite(m.get("peak_kb"));
      assertEquals(
          9 * m.get("input_megapixels").asDouble(), m.get("output_megapixels").asDouble(), 0.05);
    }
    positiveFinite(g.get("rss_ratio_largest_over_smallest"));
    positiveFinite(g.at("/throughput/streamed_over_in_memory"));
    String printed = table.toString("UTF-8");
    assertTrue(printed.contains("peak RSS ratio, largest over smallest input"), printed);
    assertTrue(printed.contains("streamed/in-memory"), printed);
  }

  private static void positiveFinite(JsonNode n) {
    assertTrue(n != null && n.isNumber(), "expected a number, got " + n);
    double v = n.asDouble();
    assertTrue(Double.isFinite(v) && v > 0, "expected positive and finite, got " + v);
  }
}
