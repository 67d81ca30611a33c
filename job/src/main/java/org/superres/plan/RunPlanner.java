package org.superres.plan;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.superres.config.ConfigError;
import org.superres.config.JobSettings;
import org.superres.engine.ImageFormat;
import org.superres.listing.TreeListing;
import org.superres.output.OutputLayout;

/**
 * Decides, before any image is read, what each listed input becomes, with Dataset operations so
 * that the driver never holds the list: its output path, whether another input claims the same
 * output (a window by output path), whether the output exists (a join with the output tree's
 * listing) and what the incremental baseline saw (a join with its manifest); then one {@link
 * Decision} per row.
 */
public final class RunPlanner {
  private final SparkSession spark;
  private final JobSettings settings;
  private final OutputLayout layout;
  private final IncrementalBaseline baseline;
  private final JobSettings.OutputMode mode;

  /**
   * @param baseline the incremental baseline, or null
   * @param mode output.mode, or what a retry uses instead (overwrite)
   */
  public RunPlanner(
      SparkSession spark,
      JobSettings settings,
      OutputLayout layout,
      IncrementalBaseline baseline,
      JobSettings.OutputMode mode) {
    this.spark = spark;
    this.settings = settings;
    this.layout = layout;
    this.baseline = baseline;
    this.mode = mode;
  }

  /** The plan of a listing ({@link org.superres.listing.ListedFile#SCHEMA} rows). */
  public Plan plan(Dataset<Row> listed) throws IOException {
    OutputLayout out = layout;
    ImageFormat format = settings.outputFormat;
    Dataset<Row> withOutputs =
        listed
            .withColumn(
                "output_uri",
                udf((UDF1<String, String>) rel -> outputOf(out, rel, format), DataTypes.StringType)
                    .apply(col("relative_path")))
            .withColumn(
                "output_error",
                udf(
                        (UDF1<String, String>) rel -> outputError(out, rel, format),
                        DataTypes.StringType)
                    .apply(col("relative_path")));
    // The first input (by URI) to claim an output keeps it; the others are told whose it is.
    Column candidate = col("problem").isNull().and(col("output_uri").isNotNull());
    WindowSpec byOutput =
        Window.partitionBy("output_uri")
            .orderBy("uri")
            .rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing());
    withOutputs =
        withOutputs.withColumn(
            "first_uri", first(when(candidate, col("uri")), true).over(byOutput));

    Dataset<Row> existing = existingOutputs();
    Dataset<Row> joined =
        withOutputs
            .join(
                existing,
                withOutputs.col("output_uri").equalTo(existing.col("existing_uri")),
                "left")
            .withColumn("output_exists", col("existing_uri").isNotNull())
            .drop("existing_uri");
    joined =
        baseline != null ? baseline.joinTo(joined) : IncrementalBaseline.withoutBaseline(joined);
    Function<Row, Row> decide = new Decision(mode, baseline);
    Dataset<Row> rows =
        spark
            .createDataFrame(joined.javaRDD().map(decide), PlannedInput.SCHEMA)
            .persist(StorageLevel.MEMORY_AND_DISK());
    Plan plan = totals(rows);
    refuseExistingOutputs(plan);
    return plan;
  }

  /** Every existing file below the output root (not _runs, _manifest), as column existing_uri. */
  private Dataset<Row> existingOutputs() throws IOException {
    Path root = new Path(layout.root());
    FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (!fs.exists(root)) {
      return spark
          .emptyDataFrame()
          .withColumn("existing_uri", lit(null).cast(DataTypes.StringType));
    }
    return TreeListing.ofOutputs(spark, settings.listingParallelThreshold)
        .list(List.of(layout.root()))
        .select(col("uri").as("existing_uri"));
  }

  private static Plan totals(Dataset<Row> rows) {
    Column process = col("action").equalTo(PlannedInput.Action.PROCESS.label());
    Row t =
        rows.agg(
                count(lit(1)),
                sum(when(process, 1).otherwise(0)),
                sum(when(col("action").equalTo(PlannedInput.Action.SKIP.label()), 1).otherwise(0)),
                sum(when(col("skip_kind").equalTo(Decision.UNCHANGED), 1).otherwise(0)),
                sum(when(process, col("size")).otherwise(0)))
            .first();
    long listed = t.getLong(0);
    long toProcess = t.isNullAt(1) ? 0 : t.getLong(1);
    long skipped = t.isNullAt(2) ? 0 : t.getLong(2);
    return new Plan(
        rows,
        listed,
        toProcess,
        skipped,
        listed - toProcess - skipped,
        t.isNullAt(3) ? 0 : t.getLong(3),
        t.isNullAt(4) ? 0 : t.getLong(4));
  }

  /** output.mode=fail-if-exists: refuse to start when an output to write exists already. */
  private void refuseExistingOutputs(Plan plan) {
    if (mode != JobSettings.OutputMode.FAIL_IF_EXISTS) {
      return;
    }
    Dataset<Row> clashes =
        plan.rows.filter(
            col("action").equalTo(PlannedInput.Action.PROCESS.label()).and(col("output_exists")));
    List<Row> first = clashes.select("output_uri").limit(1).collectAsList();
    if (!first.isEmpty()) {
      long n = clashes.count();
      plan.release();
      throw new ConfigError(
          n
              + " output(s) already exist, e.g. "
              + first.get(0).getString(0)
              + " (output.mode=fail-if-exists); use skip-existing or overwrite, or another --output");
    }
  }

  private static String outputOf(OutputLayout layout, String relativePath, ImageFormat format) {
    try {
      return relativePath == null ? null : layout.imageUri(relativePath, format);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String outputError(OutputLayout layout, String relativePath, ImageFormat format) {
    if (relativePath == null) {
      return null;
    }
    try {
      layout.imageUri(relativePath, format);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }
}
