package org.superres.plan;

import java.io.Serializable;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.superres.config.JobSettings;
import org.superres.engine.FailureKind;

/**
 * The decision for one listed input, given what the joins found: its output path (or why it has
 * none), whether another input claims the same output, whether the output exists, and what the
 * incremental baseline saw. A row of the joined listing in, a {@link PlannedInput#SCHEMA} row out.
 */
final class Decision implements Function<Row, Row>, Serializable {
  private static final long serialVersionUID = 1L;

  static final String UNCHANGED = "unchanged";
  static final String EXISTS = "exists";

  private final JobSettings.OutputMode mode;
  private final IncrementalBaseline baseline;

  Decision(JobSettings.OutputMode mode, IncrementalBaseline baseline) {
    this.mode = mode;
    this.baseline = baseline;
  }

  @Override
  public Row call(Row r) {
    String output = r.getAs("output_uri");
    String problem = r.getAs("problem");
    if (problem != null) {
      return planned(r, output, PlannedInput.Action.PLAN_ERROR, problemMessage(r), kind(r), null);
    }
    String outputError = r.getAs("output_error");
    if (outputError != null) {
      return planned(r, null, PlannedInput.Action.PLAN_ERROR, outputError, "plan", null);
    }
    String first = r.getAs("first_uri");
    if (!r.<String>getAs("uri").equals(first)) {
      String message =
          "output "
              + output
              + " is already the output of "
              + first
              + " (same path, different extension); rename one of them";
      return planned(r, output, PlannedInput.Action.PLAN_ERROR, message, "plan", null);
    }
    if (!r.<Boolean>getAs("output_exists")) {
      return planned(r, output, PlannedInput.Action.PROCESS, null, null, null);
    }
    long size = r.<Long>getAs("size");
    Long mtime = r.getAs("mtime");
    Long baseBytes = r.getAs("base_bytes");
    String baseMtime = r.getAs("base_mtime");
    if (baseline != null && baseline.unchanged(size, mtime, baseBytes, baseMtime)) {
      return planned(r, output, PlannedInput.Action.SKIP, baseline.reason(), null, UNCHANGED);
    }
    boolean stale = baseline != null && baseline.changed(size, mtime, baseBytes, baseMtime);
    if (mode == JobSettings.OutputMode.SKIP_EXISTING && !stale) {
      return planned(
          r,
          output,
          PlannedInput.Action.SKIP,
          "output exists (output.mode=skip-existing)",
          null,
          EXISTS);
    }
    return planned(r, output, PlannedInput.Action.PROCESS, null, null, null);
  }

  private static String kind(Row r) {
    String k = r.getAs("problem_kind");
    return k != null ? k : FailureKind.NOT_A_FILE.label();
  }

  private static String problemMessage(Row r) {
    String problem = r.getAs("problem");
    if (FailureKind.NOT_A_FILE.label().equals(kind(r))) {
      return problem + " at an image's name: only regular files are inputs, and it was not opened";
    }
    return problem;
  }

  private static Row planned(
      Row r,
      String output,
      PlannedInput.Action action,
      String reason,
      String failureKind,
      String skipKind) {
    Long size = r.getAs("size");
    return RowFactory.create(
        r.getAs("uri"),
        r.getAs("relative_path"),
        size == null ? 0L : size,
        r.getAs("mtime"),
        r.getAs("source"),
        output,
        action.label(),
        reason,
        failureKind,
        skipKind,
        Boolean.TRUE.equals(r.getAs("output_exists")));
  }
}
