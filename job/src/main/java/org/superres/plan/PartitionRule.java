package org.superres.plan;

import java.io.Serializable;

/**
 * How inputs, in plan order, fill partitions: a new partition starts when the current one holds
 * {@code maxFiles} inputs to process or its bytes to process would pass {@code targetBytes}. Inputs
 * with nothing to do (skipped, plan errors) count toward neither limit and only fill partitions, up
 * to {@link #MAX_ROWS} rows each. One instance follows one sequence (it keeps the current
 * partition's counts); {@link #next} says whether an input opens a new partition.
 */
public final class PartitionRule implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Rows one partition may hold, counting inputs with no image work. They still travel to an
   * executor for their manifest row, but must not cost a task each: an incremental night over a
   * million unchanged scans is a few hundred tasks, not fifteen thousand. About 0.5 KB per row
   * keeps a task well under Spark's large-task warning.
   */
  public static final int MAX_ROWS = 1000;

  /**
   * Partitions of inputs to process one run aims at, at most: Spark keeps every task of a stage on
   * the driver (scheduler and UI), so past about this many the driver's memory would grow with the
   * archive again; a bigger night gets bigger partitions instead.
   */
  public static final long MAX_PARTITIONS = 100_000;

  private final long targetBytes;
  private final int maxFiles;
  private final int maxRows;
  private long bytes;
  private int work;
  private int rows;

  public PartitionRule(long targetBytes, int maxFiles) {
    this.targetBytes = targetBytes;
    this.maxFiles = maxFiles;
    this.maxRows = Math.max(maxFiles, MAX_ROWS);
  }

  /**
   * Adds one input to the current partition, or to a new one.
   *
   * @return whether the input opens a new partition (always true for the first)
   */
  public boolean next(boolean hasWork, long size) {
    long cost = hasWork ? size : 0;
    boolean full = work > 0 && (bytes + cost > targetBytes || (hasWork && work >= maxFiles));
    boolean open = rows == 0 || full || rows >= maxRows;
    if (open) {
      bytes = 0;
      work = 0;
      rows = 0;
    }
    rows++;
    bytes += cost;
    if (hasWork) {
      work++;
    }
    return open;
  }

  /**
   * Inputs to process per partition so that a run of {@code work} inputs gives at least {@code
   * perSlot} partitions per task slot while it has that many inputs, never more than
   * partitions.max-files: a small night still uses every core.
   */
  public static int filesPerPartition(long work, int slots, int perSlot, int maxFiles) {
    long wanted = Math.max(1, Math.min(work, (long) slots * perSlot));
    long per = (work + wanted - 1) / wanted;
    long files = Math.max(1, Math.min(maxFiles, per));
    return (int) Math.max(files, (work + MAX_PARTITIONS - 1) / MAX_PARTITIONS);
  }

  /** partitions.target-bytes, raised where a night's bytes would make more than MAX_PARTITIONS. */
  public static long bytesPerPartition(long workBytes, long targetBytes) {
    return Math.max(targetBytes, (workBytes + MAX_PARTITIONS - 1) / MAX_PARTITIONS);
  }
}
