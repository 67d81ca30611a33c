package org.superres.plan;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SaveMode;
import org.superres.output.OutputLayout;

/**
 * --plan-only: what a run would do, without reading an image. One Parquet row per input under
 * {@code _runs/RUN_ID/plan/} (would process / skip and why / plan error, bytes, partition) and the
 * totals in {@code _runs/RUN_ID/plan.json}: what an operator reads before a big night.
 */
public final class PlanWriter {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private PlanWriter() {}

  /** plan.json. */
  public static final class Totals {
    public String runId;
    public String plan;
    public long inputs;
    public long process;
    public long skipped;
    public long planErrors;
    public long unchanged;
    public long processBytes;
    public int partitions;
    public int filesPerPartition;
  }

  public static Totals write(
      PlanLayout.Result laid, Plan plan, OutputLayout layout, String runId, int filesPerPartition)
      throws IOException {
    String dir = layout.runDir(runId) + "/plan";
    laid.rows
        .select(
            col("uri").as("input_uri"),
            col("output_uri"),
            col("action"),
            col("reason"),
            col("failure_kind").as("error_kind"),
            col("size").as("input_bytes"),
            col("mtime").as("input_mtime_ms"),
            col("partition"))
        .write()
        .mode(SaveMode.ErrorIfExists)
        .parquet(dir);
    Totals t = new Totals();
    t.runId = runId;
    t.plan = dir;
    t.inputs = plan.listed;
    t.process = plan.process;
    t.skipped = plan.skipped;
    t.planErrors = plan.planErrors;
    t.unchanged = plan.unchanged;
    t.processBytes = plan.processBytes;
    t.partitions = laid.partitions;
    t.filesPerPartition = filesPerPartition;
    Path json = new Path(layout.runDir(runId), "plan.json");
    Configuration hadoop = laid.rows.sparkSession().sparkContext().hadoopConfiguration();
    FileSystem fs = json.getFileSystem(hadoop);
    try (OutputStream out = fs.create(json, true)) {
      JSON.writeValue(out, t);
    }
    return t;
  }
}
