package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.config.ConfigError;
import org.superres.engine.Device;
import org.superres.engine.ModelCache;
import org.superres.engine.ModelKind;
import org.superres.engine.ModelSpec;
import org.superres.engine.Precision;
import org.superres.samples.SampleImages;
import org.superres.testing.Fixtures;
import org.superres.testing.Images;
import org.superres.testing.SparkTestBase;

/**
 * The model's load and warm-up are the run's cost, reported in summary.json, and never an image's:
 * every image's timings start after the warm-up ended. Also: device.backend=cuda on this CPU jar
 * stops the run before any executor work.
 */
class WarmupAccountingTest extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void warmUpIsTimedOnceInTheSummaryAndOutsideEveryImage() throws Exception {
    Path model = Fixtures.ownModel();
    Path in = Files.createDirectories(tmp.resolve("in"));
    int inputs = 4;
    for (int i = 0; i < inputs; i++) {
      Files.write(
          in.resolve("scan-" + i + ".png"),
          Images.encode(SampleImages.scene(40 + i, 30, i), ".png"));
    }
    ModelCache.clear(); // a cold load in this JVM, as on a fresh executor

    EnhanceJob.Outcome o =
        enhance(
            "input=[\"" + in.toUri() + "\"]",
            "output.uri=" + tmp.resolve("out").toUri(),
            "model.uri=" + model,
            "tiling.tile=0",
            "partitions.max-files=1");

    ModelSpec spec = new ModelSpec("any", ModelKind.EDSR, 3, ModelSpec.sha256Of(model));
    ModelCache.Loaded loaded =
        ModelCache.get(
            spec,
            Device.CPU,
            Precision.FP32,
            () -> {
              throw new AssertionError("the run must have loaded the model into this JVM's cache");
            });
    JsonNode summary =
        new ObjectMapper()
            .readTree(
                Files.readAllBytes(
                    Paths.get(
                        java.net.URI.create(
                            o.layout.root() + "/_runs/" + o.runId + "/summary.json"))));
    JsonNode m = summary.get("model");
    assertEquals(
        1, m.get("loads").asInt(), "two task slots, four partitions: still one load, counted once");
    assertEquals(loaded.warmupMillis, m.get("warmup_ms_total").asLong());
    assertEquals(loaded.loadMillis, m.get("load_ms_total").asLong());
    assertEquals(
        1 + inputs, loaded.net.forwards(), "one warm-up forward, then one per (untiled) image");

    List<Row> rows = spark.read().parquet(o.layout.root() + "/_manifest").collectAsList();
    assertEquals(inputs, rows.size());
    long readyAt = loaded.readyAt.toEpochMilli();
    for (Row r : rows) {
      assertEquals("ok", r.getAs("status"), r.toString());
      assertEquals("cpu", r.getAs("device"));
      // The row's clock covers read .. write; had it included the load or warm-up, it would start
      // before readyAt.
      long start =
          Instant.parse(r.getAs("finished_at")).toEpochMilli() - (Long) r.getAs("total_ms");
      assertTrue(
          start >= readyAt,
          "image timed from " + start + " but the model was ready only at " + readyAt);
      assertFalse((Long) r.getAs("infer_ms") > (Long) r.getAs("total_ms"));
    }
  }

  @Test
  void cudaOnTheCpuJarStopsTheRunBeforeAnyExecutorWork() {
    ConfigError e =
        assertThrows(
            ConfigError.class,
            () ->
                enhance(
                    "input=[\"" + tmp.toUri() + "\"]",
                    "output.uri=" + tmp.resolve("out").toUri(),
                    "device.backend=cuda"));
    assertTrue(
        e.getMessage().startsWith("device.backend=cuda but this is the CPU jar"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("out")), "nothing was written");
  }
}
