package org.superres.manifest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.superres.output.OutputLayout;

/**
 * Writes the manifest. The Parquet write is the run's single action: it is what processes the
 * images, so they are processed once. Everything after (JSON Lines, summary) reads that Parquet
 * back.
 */
public final class ManifestWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SparkSession spark;
  private final OutputLayout layout;
  private final String runId;

  public ManifestWriter(SparkSession spark, OutputLayout layout, String runId) {
    this.spark = spark;
    this.layout = layout;
    this.runId = runId;
  }

  /**
   * Runs the job: every row lands in _manifest/run_id=RUN_ID/part-*.parquet, the layout partitionBy
   * would give. The run writes into its own directory rather than appending to _manifest, so its
   * commit's _temporary lives there too: a killed driver's leftovers cannot be folded into a later
   * run's commit, and the cleanup of one run cannot delete another's pending files. Readers skip
   * _-prefixed directories.
   */
  public void writeParquet(JavaRDD<ManifestRow> rows) {
    // Timestamps as Parquet's standard logical type (not Spark's legacy INT96), which every reader
    // knows.
    spark.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    Dataset<Row> df = spark.createDataFrame(rows.map(ManifestRow::toRow), ManifestRow.SCHEMA);
    df.drop("run_id").write().mode(SaveMode.ErrorIfExists).parquet(layout.manifestPartition(runId));
  }

  /** This run's rows, columns in the documented order. */
  public Dataset<Row> read() {
    StructType withoutRunId =
        new StructType(
            Arrays.stream(ManifestRow.SCHEMA.fields())
                .filter(f -> !f.name().equals("run_id"))
                .toArray(StructField[]::new));
    Dataset<Row> df =
        spark
            .read()
            .schema(withoutRunId)
            .parquet(layout.manifestPartition(runId))
            .withColumn("run_id", lit(runId));
    Column[] ordered =
        Arrays.stream(ManifestRow.SCHEMA.fieldNames()).map(c -> col(c)).toArray(Column[]::new);
    return df.select(ordered);
  }

  /** _runs/RUN_ID/manifest.jsonl, streamed partition by partition through the driver. */
  public void writeJsonLines(Dataset<Row> manifest) throws IOException {
    Path target = new Path(layout.runDir(runId), "manifest.jsonl");
    FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
    try (BufferedWriter w =
        new BufferedWriter(
            new OutputStreamWriter(fs.create(target, true), StandardCharsets.UTF_8))) {
      // Serialised here rather than with Dataset.toJSON, which dropped null columns on executors
      // even with
      // spark.sql.jsonGenerator.ignoreNullFields=false: every line must hold every column.
      String[] columns = manifest.schema().fieldNames();
      Iterator<Row> it = manifest.toLocalIterator();
      while (it.hasNext()) {
        Row r = it.next();
        Map<String, Object> line = new LinkedHashMap<>();
        for (int i = 0; i < columns.length; i++) {
          Object v = r.isNullAt(i) ? null : r.get(i);
          line.put(
              columns[i],
              v instanceof java.sql.Timestamp
                  ? ((java.sql.Timestamp) v).toInstant().toString()
                  : v);
        }
        w.write(JSON.writeValueAsString(line));
        w.write('\n');
      }
    }
  }
}
