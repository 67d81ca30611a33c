package org.superres.plan;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A run's plan: one {@link PlannedInput#SCHEMA} row per listed input, and its totals. */
public final class Plan {
  /** The plan rows (persisted: they are read several times). */
  public final Dataset<Row> rows;

  public final long listed;
  public final long process;
  public final long skipped;
  public final long planErrors;

  /** Skipped because unchanged since the incremental baseline. */
  public final long unchanged;

  /** Bytes of the inputs to process. */
  public final long processBytes;

  Plan(
      Dataset<Row> rows,
      long listed,
      long process,
      long skipped,
      long planErrors,
      long unchanged,
      long processBytes) {
    this.rows = rows;
    this.listed = listed;
    this.process = process;
    this.skipped = skipped;
    this.planErrors = planErrors;
    this.unchanged = unchanged;
    this.processBytes = processBytes;
  }

  public void release() {
    rows.unpersist();
  }
}
