package org.superres.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * summary.json: totals, throughput, per-stage times and percentiles, errors by kind, model loads,
 * config.
 */
public final class RunSummary {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String[] STAGES = {
    "read_ms", "decode_ms", "infer_ms", "encode_ms", "write_ms", "total_ms"
  };

  public final Map<String, Object> fields = new LinkedHashMap<>();
  public long listed;
  public long ok;
  public long skipped;
  public long failed;

  /** Aggregates this run's manifest (read back from Parquet) with Spark. */
  public static RunSummary of(Dataset<Row> m) {
    RunSummary s = new RunSummary();
    Row totals =
        m.agg(
                count(lit1()).as("n"),
                sum(when(col("status").equalTo(ManifestRow.OK), 1).otherwise(0)),
                sum(when(col("status").equalTo(ManifestRow.SKIPPED), 1).otherwise(0)),
                sum(when(col("status").equalTo(ManifestRow.FAILED), 1).otherwise(0)),
                sum(
                    expr("cast(input_width as bigint) * input_height")
                        .multiply(when(col("status").equalTo(ManifestRow.OK), 1).otherwise(0))))
            .first();
    s.listed = totals.getLong(0);
    s.ok = totals.isNullAt(1) ? 0 : totals.getLong(1);
    s.skipped = totals.isNullAt(2) ? 0 : totals.getLong(2);
    s.failed = totals.isNullAt(3) ? 0 : totals.getLong(3);
    long okPixels = totals.isNullAt(4) ? 0 : totals.getLong(4);
    Map<String, Object> inputs = new LinkedHashMap<>();
    inputs.put("listed", s.listed);
    inputs.put("ok", s.ok);
    inputs.put("skipped", s.skipped);
    inputs.put("failed", s.failed);
    s.fields.put("inputs", inputs);
    s.fields.put("ok_input_megapixels", okPixels / 1e6);

    // One aggregation for every stage: a summary must not cost a Spark job per figure.
    List<org.apache.spark.sql.Column> aggs = new java.util.ArrayList<>();
    for (String stage : STAGES) {
      aggs.add(sum(col(stage)));
      aggs.add(expr("percentile_approx(" + stage + ", array(0.5, 0.9, 0.95, 0.99))"));
      aggs.add(max(col(stage)));
    }
    Row st0 =
        m.filter(col("status").equalTo(ManifestRow.OK))
            .agg(
                aggs.get(0),
                aggs.subList(1, aggs.size()).toArray(new org.apache.spark.sql.Column[0]))
            .first();
    Map<String, Object> stages = new LinkedHashMap<>();
    for (int i = 0; i < STAGES.length; i++) {
      int k = 3 * i;
      Map<String, Object> st = new LinkedHashMap<>();
      st.put("sum", st0.isNullAt(k) ? 0 : st0.getLong(k));
      if (!st0.isNullAt(k + 1)) {
        List<Object> p = st0.getList(k + 1);
        st.put("p50", p.get(0));
        st.put("p90", p.get(1));
        st.put("p95", p.get(2));
        st.put("p99", p.get(3));
      }
      st.put("max", st0.isNullAt(k + 2) ? null : st0.getLong(k + 2));
      stages.put(STAGES[i].replace("_ms", ""), st);
    }
    s.fields.put("stages_ms", stages);

    Map<String, Object> errors = new LinkedHashMap<>();
    for (Row r :
        m.filter(col("status").equalTo(ManifestRow.FAILED))
            .groupBy(expr("substring_index(error, ':', 1)").as("kind"))
            .count()
            .orderBy(col("count").desc())
            .collectAsList()) {
      errors.put(r.getString(0), r.getLong(1));
    }
    s.fields.put("errors_by_kind", errors);
    List<Row> examples =
        m.filter(col("status").equalTo(ManifestRow.FAILED))
            .select("input_uri", "error")
            .limit(20)
            .collectAsList();
    s.fields.put(
        "failed_examples",
        examples.stream()
            .map(
                r -> {
                  Map<String, String> e = new LinkedHashMap<>();
                  e.put("input_uri", r.getString(0));
                  e.put("error", r.getString(1));
                  return e;
                })
            .toArray());
    s.fields.put(
        "devices",
        m.filter(col("device").isNotNull()).select("device").distinct().collectAsList().stream()
            .map(r -> r.getString(0))
            .toArray());
    return s;
  }

  private static org.apache.spark.sql.Column lit1() {
    return org.apache.spark.sql.functions.lit(1);
  }

  /** The most frequent error kinds with their counts, e.g. "not-an-image: 7, decode: 2". */
  @SuppressWarnings("unchecked")
  public String dominantErrors(int n) {
    Map<String, Object> byKind =
        (Map<String, Object>) fields.getOrDefault("errors_by_kind", new LinkedHashMap<>());
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Object> e : byKind.entrySet()) {
      if (n-- == 0) break;
      b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(": ").append(e.getValue());
    }
    return b.length() == 0 ? "no error kinds recorded" : b.toString();
  }

  public double failureRatio() {
    return listed == 0 ? 0 : (double) failed / listed;
  }

  public void write(String uri, Configuration hadoop) throws IOException {
    Path p = new Path(uri);
    FileSystem fs = p.getFileSystem(hadoop);
    try (OutputStream out = fs.create(p, true)) {
      JSON.writeValue(out, fields);
    }
  }

  public static Object parseJson(String json) {
    try {
      return JSON.readValue(json, Object.class);
    } catch (IOException e) {
      return json;
    }
  }
}
