package org.superres.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * summary.json, typed: the manifest's totals, then what the driver knows of the run (times,
 * throughput, the model and its loads, the failure ratio and exit code, the incremental baseline,
 * the configuration). Field names are the JSON keys in snake_case; the layout is the documented
 * one.
 */
@JsonPropertyOrder({
  "totals",
  "run_id",
  "started_at",
  "finished_at",
  "wall_seconds",
  "processing_seconds",
  "throughput_images_per_second",
  "throughput_input_megapixels_per_second",
  "model",
  "failure_ratio",
  "max_failure_ratio",
  "exit_code",
  "incremental",
  "config"
})
public final class RunSummary {
  /** summary.json's reader and writer (snake_case keys, unknown keys of newer versions ignored). */
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The model the run used and what loading it cost over all executors. */
  public static final class ModelUse {
    public String name;
    public String kind;
    public int scale;
    public String sha256;
    public String uri;
    public long loads;
    public long loadMsTotal;
    public long warmupMsTotal;
  }

  /** incremental.since and what it skipped (only for incremental runs). */
  public static final class Incremental {
    public String since;

    /** The run compared with; null on the first run or with an ISO time. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public String baselineRun;

    public long unchangedSkipped;
  }

  @JsonUnwrapped public ManifestTotals totals = new ManifestTotals();
  public String runId;
  public String startedAt;
  public String finishedAt;
  public double wallSeconds;

  /** The processing action alone: listing and the summary's own queries excluded. */
  public double processingSeconds;

  public double throughputImagesPerSecond;
  public double throughputInputMegapixelsPerSecond;
  public ModelUse model;
  public double failureRatio;
  public double maxFailureRatio;
  public int exitCode;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public Incremental incremental;

  /** The effective configuration, secrets redacted. */
  public JsonNode config;

  /** The most frequent error kinds with their counts, e.g. "not-an-image: 7, decode: 2". */
  public String dominantErrors(int n) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Long> e : totals.errorsByKind.entrySet()) {
      if (n-- == 0) break;
      b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(": ").append(e.getValue());
    }
    return b.length() == 0 ? "no error kinds recorded" : b.toString();
  }

  public void write(String uri, Configuration hadoop) throws IOException {
    Path p = new Path(uri);
    FileSystem fs = p.getFileSystem(hadoop);
    try (OutputStream out = fs.create(p, true)) {
      JSON.writeValue(out, this);
    }
  }

  public static RunSummary read(String uri, Configuration hadoop) throws IOException {
    Path p = new Path(uri);
    try (InputStream in = p.getFileSystem(hadoop).open(p)) {
      return JSON.readValue(in, RunSummary.class);
    }
  }
}
