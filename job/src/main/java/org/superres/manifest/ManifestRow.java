package org.superres.manifest;

import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.superres.engine.FailureKind;

/**
 * One manifest row: what happened to one listed input. Columns and order are the documented
 * contract.
 */
public final class ManifestRow implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("input_uri", DataTypes.StringType, false)
          .add("output_uri", DataTypes.StringType, true)
          .add("status", DataTypes.StringType, false)
          .add("error", DataTypes.StringType, true)
          .add("input_bytes", DataTypes.LongType, true)
          .add("output_bytes", DataTypes.LongType, true)
          .add("input_width", DataTypes.IntegerType, true)
          .add("input_height", DataTypes.IntegerType, true)
          .add("output_width", DataTypes.IntegerType, true)
          .add("output_height", DataTypes.IntegerType, true)
          .add("channels", DataTypes.IntegerType, true)
          .add("bit_depth", DataTypes.IntegerType, true)
          .add("model_name", DataTypes.StringType, true)
          .add("model_sha256", DataTypes.StringType, true)
          .add("scale", DataTypes.IntegerType, true)
          .add("device", DataTypes.StringType, true)
          .add("tiles", DataTypes.IntegerType, true)
          .add("read_ms", DataTypes.LongType, true)
          .add("decode_ms", DataTypes.LongType, true)
          .add("infer_ms", DataTypes.LongType, true)
          .add("encode_ms", DataTypes.LongType, true)
          .add("write_ms", DataTypes.LongType, true)
          .add("total_ms", DataTypes.LongType, true)
          .add("executor_id", DataTypes.StringType, true)
          .add("host", DataTypes.StringType, true)
          .add("task_attempt", DataTypes.IntegerType, true)
          .add("finished_at", DataTypes.StringType, true)
          .add("postprocess", DataTypes.StringType, true)
          // Added after the first release, so at the end: readers of older manifests see them as
          // null.
          .add("note", DataTypes.StringType, true)
          .add("input_mtime", DataTypes.StringType, true)
          .add("error_kind", DataTypes.StringType, true)
          // finished_at and input_mtime as Parquet timestamps, for Athena, BigQuery or DuckDB
          .add("finished_at_ts", DataTypes.TimestampType, true)
          .add("input_mtime_ts", DataTypes.TimestampType, true);

  /** Marks the row failed: error is "kind: message", error_kind the kind alone. */
  public void fail(FailureKind kind, String message) {
    status = FAILED;
    error = kind.label() + ": " + message;
    errorKind = kind.label();
  }

  public static final String OK = "ok";
  public static final String SKIPPED = "skipped";
  public static final String FAILED = "failed";

  public String runId;
  public String inputUri;
  public String outputUri;
  public String status;
  public String error;
  public Long inputBytes;
  public Long outputBytes;
  public Integer inputWidth;
  public Integer inputHeight;
  public Integer outputWidth;
  public Integer outputHeight;
  public Integer channels;
  public Integer bitDepth;
  public String modelName;
  public String modelSha256;
  public Integer scale;
  public String device;
  public Integer tiles;
  public Long readMs;
  public Long decodeMs;
  public Long inferMs;
  public Long encodeMs;
  public Long writeMs;
  public Long totalMs;
  public String executorId;
  public String host;
  public Integer taskAttempt;
  public String finishedAt;

  /**
   * What post-processing was applied after the model (PostProcess.description()); null when none.
   */
  public String postprocess;

  /**
   * Why an input was skipped, or how it was read (first frame of an animation); null when nothing
   * to say.
   */
  public String note;

  /** The input's modification time at listing (ISO-8601 UTC, ms): what incremental runs compare. */
  public String inputMtime;

  /** The failure's kind (FailureKind.label()), null unless failed; error starts with it too. */
  public String errorKind;

  public Row toRow() {
    return RowFactory.create(
        runId,
        inputUri,
        outputUri,
        status,
        error,
        inputBytes,
        outputBytes,
        inputWidth,
        inputHeight,
        outputWidth,
        outputHeight,
        channels,
        bitDepth,
        modelName,
        modelSha256,
        scale,
        device,
        tiles,
        readMs,
        decodeMs,
        inferMs,
        encodeMs,
        writeMs,
        totalMs,
        executorId,
        host,
        taskAttempt,
        finishedAt,
        postprocess,
        note,
        inputMtime,
        errorKind,
        timestamp(finishedAt),
        timestamp(inputMtime));
  }

  private static java.sql.Timestamp timestamp(String iso) {
    return iso == null ? null : java.sql.Timestamp.from(java.time.Instant.parse(iso));
  }
}
