package org.superres.plan;

import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.superres.engine.FailureKind;

/**
 * What the driver decided for one listed input, before any image is read: process it into its
 * output, skip it (and say why in the manifest's note), or fail it with a plan error. Travels to
 * the executor that writes its manifest row; a plan is a Dataset of {@link #SCHEMA} rows.
 */
public final class PlannedInput implements Serializable {
  private static final long serialVersionUID = 2L;

  /** A plan row: the input, its output and the decision. */
  public static final StructType SCHEMA =
      new StructType()
          .add("uri", DataTypes.StringType, false)
          .add("relative_path", DataTypes.StringType, true)
          .add("size", DataTypes.LongType, false)
          .add("mtime", DataTypes.LongType, true)
          .add("source", DataTypes.IntegerType, false)
          .add("output_uri", DataTypes.StringType, true)
          .add("action", DataTypes.StringType, false)
          .add("reason", DataTypes.StringType, true)
          .add("failure_kind", DataTypes.StringType, true)
          .add("skip_kind", DataTypes.StringType, true)
          .add("output_exists", DataTypes.BooleanType, false);

  /** The three outcomes of planning (the plan's action column, in lower case). */
  public enum Action {
    PROCESS,
    SKIP,
    PLAN_ERROR;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    static Action ofLabel(String label) {
      return valueOf(label.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
  }

  public final InputFile input;
  public final Action action;

  /** Where the output goes; null only for a plan error that found no valid output path. */
  public final String outputUri;

  /** SKIP: why (the manifest's note); PLAN_ERROR: what is wrong and what to do; PROCESS: null. */
  public final String reason;

  /** PLAN_ERROR: the failure's kind (plan, or not-a-file for what a listing cannot open). */
  public final FailureKind failureKind;

  /** For inputs sampled for the run report's gallery: the prefix of their gallery files. */
  public final String galleryPrefix;

  private PlannedInput(
      InputFile input,
      Action action,
      String outputUri,
      String reason,
      FailureKind failureKind,
      String galleryPrefix) {
    this.input = input;
    this.action = action;
    this.outputUri = outputUri;
    this.reason = reason;
    this.failureKind = failureKind;
    this.galleryPrefix = galleryPrefix;
  }

  public static PlannedInput process(InputFile input, String outputUri) {
    return new PlannedInput(input, Action.PROCESS, outputUri, null, null, null);
  }

  public static PlannedInput skip(InputFile input, String outputUri, String reason) {
    return new PlannedInput(input, Action.SKIP, outputUri, reason, null, null);
  }

  public static PlannedInput planError(InputFile input, String outputUri, String message) {
    return planError(input, outputUri, FailureKind.PLAN, message);
  }

  public static PlannedInput planError(
      InputFile input, String outputUri, FailureKind kind, String message) {
    return new PlannedInput(input, Action.PLAN_ERROR, outputUri, message, kind, null);
  }

  /** A plan row (SCHEMA's columns, by name) as the executor's object. */
  public static PlannedInput of(Row r, String galleryPrefix) {
    Long mtime = r.isNullAt(r.fieldIndex("mtime")) ? null : r.getAs("mtime");
    InputFile in =
        new InputFile(r.getAs("uri"), r.getAs("relative_path"), r.<Long>getAs("size"), mtime);
    String kind = r.getAs("failure_kind");
    return new PlannedInput(
        in,
        Action.ofLabel(r.getAs("action")),
        r.getAs("output_uri"),
        r.getAs("reason"),
        kind == null ? null : FailureKind.ofLabel(kind),
        galleryPrefix);
  }

  /** This input, chosen for the report's gallery. */
  public PlannedInput sampled(String prefix) {
    return new PlannedInput(input, action, outputUri, reason, failureKind, prefix);
  }

  /** Whether an image is read, enhanced and written for it. */
  public boolean hasWork() {
    return action == Action.PROCESS;
  }

  @Override
  public String toString() {
    return action.label() + " " + input.uri;
  }
}
