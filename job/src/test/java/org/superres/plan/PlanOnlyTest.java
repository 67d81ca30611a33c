package org.superres.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.cli.Main;
import org.superres.job.JobTestSupport;
import org.superres.testing.Fixtures;
import org.superres.testing.HostileCorpus;

/**
 * enhance --plan-only: the plan (one row per input: process, skip and why, plan error) and its
 * totals, written under _runs/RUN_ID/, and no image read or written, no manifest.
 */
class PlanOnlyTest {
  @TempDir Path dir;

  @Test
  void writesThePlanAndReadsNoImage() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    byte[] png = HostileCorpus.png(HostileCorpus.gradient(16, 12, BufferedImage.TYPE_3BYTE_BGR));
    for (String name : new String[] {"a.png", "b.png", "b.jpg", "c.png"}) {
      Files.write(in.resolve(name), png);
    }
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.write(out.resolve("c.png"), png); // done by an earlier night
    int exit =
        Main.run(
            new String[] {
              "enhance",
              "--plan-only",
              "--input",
              in.toString(),
              "--output",
              out.toString(),
              "--model",
              Fixtures.ownModel().toString(),
              "--master",
              "local[2]"
            });
    assertEquals(0, exit);
    String runId = JobTestSupport.runIds(out).get(0);
    Path runDir = out.resolve("_runs").resolve(runId);
    JsonNode totals = new ObjectMapper().readTree(runDir.resolve("plan.json").toFile());
    assertEquals(4, totals.get("inputs").asInt());
    assertEquals(2, totals.get("process").asInt(), "a.png and one of b.png / b.jpg");
    assertEquals(1, totals.get("skipped").asInt(), "c.png: its output exists");
    assertEquals(1, totals.get("plan_errors").asInt(), "b.png and b.jpg claim one output");
    assertEquals(2L * png.length, totals.get("process_bytes").asLong());

    Map<String, Row> plan = new HashMap<>();
    org.apache.spark.sql.SparkSession spark = JobTestSupport.session("local[1]");
    try {
      for (Row r : spark.read().parquet(runDir.resolve("plan").toString()).collectAsList()) {
        String uri = r.getAs("input_uri");
        plan.put(uri.substring(uri.lastIndexOf('/') + 1), r);
      }
    } finally {
      spark.stop();
    }
    assertEquals("process", plan.get("a.png").getAs("action"));
    assertEquals("skip", plan.get("c.png").getAs("action"));
    assertTrue(((String) plan.get("c.png").getAs("reason")).startsWith("output exists"));
    assertEquals("plan-error", plan.get("b.png").getAs("action"), "b.jpg sorts first and keeps it");
    assertEquals("plan", plan.get("b.png").getAs("error_kind"));
    assertEquals(
        List.of("c.png"),
        new java.util.ArrayList<>(JobTestSupport.images(out)),
        "no image written");
    assertFalse(Files.exists(out.resolve("_manifest")), "no manifest: nothing was processed");
    assertFalse(
        Files.exists(runDir.resolve("summary.json")), "a plan is never an incremental baseline");
  }
}
