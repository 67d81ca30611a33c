package org.superres.manifest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a run's manifest says in sum: counts by status, megapixels enhanced, per-stage times, errors
 * by kind and examples, devices. Spark aggregates; only these bounded figures reach the driver. The
 * part of summary.json that is computed from the manifest.
 */
@JsonPropertyOrder({
  "inputs",
  "ok_input_megapixels",
  "stages_ms",
  "errors_by_kind",
  "failed_examples",
  "devices"
})
public final class ManifestTotals {
  /**
   * The per-image stages, in the order they run, as the manifest's {@code *_ms} columns name them.
   */
  public static final String[] STAGES = {"read", "decode", "infer", "encode", "write", "total"};

  /** Failures listed by name in summary.json; errors_by_kind counts them all. */
  static final int FAILED_EXAMPLES = 20;

  /** Inputs by status: every listed input has exactly one row. */
  public static final class Inputs {
    public long listed;
    public long ok;
    public long skipped;
    public long failed;
  }

  /** One stage's milliseconds over the ok rows: sum, percentiles and max. */
  public static final class StageTimes {
    public long sum;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Long p50;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Long p90;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Long p95;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Long p99;

    public Long max;
  }

  /** A failed input and its error, as the manifest has them. */
  public static final class FailedExample {
    public String inputUri;
    public String error;

    public FailedExample() {}

    FailedExample(String inputUri, String error) {
      this.inputUri = inputUri;
      this.error = error;
    }
  }

  public Inputs inputs = new Inputs();
  public double okInputMegapixels;

  /** Stage name (see STAGES) to its times. */
  public Map<String, StageTimes> stagesMs = new LinkedHashMap<>();

  /** error_kind to count, most frequent first. */
  public Map<String, Long> errorsByKind = new LinkedHashMap<>();

  public List<FailedExample> failedExamples = new ArrayList<>();
  public List<String> devices = new ArrayList<>();

  /** Aggregates a run's manifest (as read back from Parquet): four small Spark jobs in all. */
  public static ManifestTotals of(Dataset<Row> manifest) {
    ManifestTotals t = new ManifestTotals();
    Column ok = col("status").equalTo(ManifestRow.OK);
    Row totals =
        manifest
            .agg(
                count(lit(1)),
                sum(when(ok, 1).otherwise(0)),
                sum(when(col("status").equalTo(ManifestRow.SKIPPED), 1).otherwise(0)),
                sum(when(col("status").equalTo(ManifestRow.FAILED), 1).otherwise(0)),
                sum(when(ok, expr("cast(input_width as bigint) * input_height")).otherwise(0)))
            .first();
    t.inputs.listed = totals.getLong(0);
    t.inputs.ok = longOrZero(totals, 1);
    t.inputs.skipped = longOrZero(totals, 2);
    t.inputs.failed = longOrZero(totals, 3);
    t.okInputMegapixels = longOrZero(totals, 4) / 1e6;

    // One aggregation for every stage: a summary must not cost a Spark job per figure.
    List<Column> aggs = new ArrayList<>();
    for (String stage : STAGES) {
      aggs.add(sum(col(stage + "_ms")));
      aggs.add(expr("percentile_approx(" + stage + "_ms, array(0.5, 0.9, 0.95, 0.99))"));
      aggs.add(max(col(stage + "_ms")));
    }
    Row st =
        manifest
            .filter(ok)
            .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]))
            .first();
    for (int i = 0; i < STAGES.length; i++) {
      int k = 3 * i;
      StageTimes times = new StageTimes();
      times.sum = longOrZero(st, k);
      if (!st.isNullAt(k + 1)) {
        List<Long> p = st.getList(k + 1);
        times.p50 = p.get(0);
        times.p90 = p.get(1);
        times.p95 = p.get(2);
        times.p99 = p.get(3);
      }
      times.max = st.isNullAt(k + 2) ? null : st.getLong(k + 2);
      t.stagesMs.put(STAGES[i], times);
    }

    Dataset<Row> failed = manifest.filter(col("status").equalTo(ManifestRow.FAILED));
    for (Row r :
        failed.groupBy("error_kind").count().orderBy(col("count").desc()).collectAsList()) {
      t.errorsByKind.put(r.isNullAt(0) ? "unknown" : r.getString(0), r.getLong(1));
    }
    for (Row r : failed.select("input_uri", "error").limit(FAILED_EXAMPLES).collectAsList()) {
      t.failedExamples.add(new FailedExample(r.getString(0), r.getString(1)));
    }
    for (Row r :
        manifest.filter(col("device").isNotNull()).select("device").distinct().collectAsList()) {
      t.devices.add(r.getString(0));
    }
    return t;
  }

  private static long longOrZero(Row r, int i) {
    return r.isNullAt(i) ? 0 : r.getLong(i);
  }
}
