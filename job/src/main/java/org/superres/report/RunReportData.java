package org.superres.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.superres.manifest.ManifestRow;
import org.superres.manifest.RunSummary;
import org.superres.output.OutputLayout;

/**
 * Everything the page shows, gathered on the driver: the summary's figures, a bounded list of
 * failures, histograms and the gallery. Spark does the counting; only bounded results reach the
 * driver.
 */
public final class RunReportData {
  /** One failed input as the page lists it: its URI, the error's kind and message. */
  public static final class Failure {
    public final String inputUri;
    public final String kind;
    public final String message;

    public Failure(String inputUri, String kind, String message) {
      this.inputUri = inputUri;
      this.kind = kind;
      this.message = message;
    }
  }

  /** Failures listed by name; the manifest holds them all. */
  public static final int MAX_FAILURES_LISTED = 500;

  static final int HISTOGRAM_BINS = 16;

  public String runId;
  public String outputRoot;
  public String runDir;
  public RunSummary summary = new RunSummary();

  /** At most MAX_FAILURES_LISTED, by input URI. */
  public List<Failure> failures = new ArrayList<>();

  public long failuresTotal;
  public Histogram inputMegapixels;
  public Histogram imageMillis;
  public List<GallerySample> samples = new ArrayList<>();
  public int samplesRequested;

  /** The run's post-processing, as its ok rows' manifest column postprocess says; null when off. */
  public String postprocess;

  /**
   * @param summary the run's summary.json
   * @param layout where the run wrote (its run directory and gallery files)
   * @param samplesRequested inputs sampled for the gallery
   * @param postprocess the run's post-processing, or null when off
   */
  public static RunReportData collect(
      Dataset<Row> manifest,
      RunSummary summary,
      OutputLayout layout,
      int samplesRequested,
      String postprocess,
      Configuration hadoop)
      throws IOException {
    RunReportData d = new RunReportData();
    d.runId = summary.runId;
    d.outputRoot = layout.root();
    d.runDir = layout.runDir(summary.runId);
    d.summary = summary;
    d.samplesRequested = samplesRequested;
    d.postprocess = postprocess;

    // Four small Spark jobs in all: failures, histogram ranges, histogram bins, the samples' rows.
    d.failuresTotal = summary.totals.inputs.failed;
    if (d.failuresTotal > 0) {
      for (Row r :
          manifest
              .filter(col("status").equalTo(ManifestRow.FAILED))
              .select("input_uri", "error_kind", "error")
              .orderBy("input_uri")
              .limit(MAX_FAILURES_LISTED)
              .collectAsList()) {
        String kind = r.getString(1);
        String error = r.isNullAt(2) ? "" : r.getString(2);
        String message = error.startsWith(kind + ": ") ? error.substring(kind.length() + 2) : error;
        d.failures.add(new Failure(r.getString(0), kind, message));
      }
    }
    Dataset<Row> ok = manifest.filter(col("status").equalTo(ManifestRow.OK));
    Histogram[] h =
        Histogram.of(
            ok,
            HISTOGRAM_BINS,
            expr("cast(input_width as double) * input_height / 1e6"),
            col("total_ms"));
    d.inputMegapixels = h[0];
    d.imageMillis = h[1];

    d.samples = new ReportAssetsReader(hadoop).read(layout.galleryDir(summary.runId));
    if (!d.samples.isEmpty()) {
      Map<String, GallerySample> byUri = new HashMap<>();
      for (GallerySample s : d.samples) {
        byUri.put(s.inputUri, s);
      }
      for (Row r :
          manifest
              .filter(col("input_uri").isin(byUri.keySet().toArray()))
              .select("input_uri", "input_width", "input_height", "infer_ms", "total_ms", "device")
              .collectAsList()) {
        GallerySample s = byUri.get(r.getString(0));
        s.inputWidth = r.isNullAt(1) ? null : r.getInt(1);
        s.inputHeight = r.isNullAt(2) ? null : r.getInt(2);
        s.inferMs = r.isNullAt(3) ? null : r.getLong(3);
        s.totalMs = r.isNullAt(4) ? null : r.getLong(4);
        s.device = r.getString(5);
      }
    }
    return d;
  }
}
