package org.superres.job;

import java.io.Serializable;

/** One listed input and the output it maps to; decided on the driver, processed on an executor. */
public final class InputFile implements Serializable {
  private static final long serialVersionUID = 1L;

  public final String uri;

  /**
   * Path below its listing root, '/'-separated, never starting with '/' and never containing "..".
   */
  public final String relativePath;

  public final long size;
  public final long modificationTime;
  public String outputUri;

  /** Set by the planner: the output exists and output.mode is skip-existing. */
  public boolean skip;

  /**
   * Why it is skipped, for the manifest's note column (e.g. "output exists", "unchanged since run
   * ...").
   */
  public String skipReason;

  /**
   * Set by the planner when the input cannot be processed at all (e.g. its output collides with
   * another's).
   */
  public String planError;

  /**
   * Set by the planner for the inputs sampled for the run report: the URI prefix under which the
   * executor writes their crops and thumbnail (ReportSampler, ReportAssetWriter); null for every
   * other input.
   */
  public String reportAssets;

  public InputFile(String uri, String relativePath, long size, long modificationTime) {
    this.uri = uri;
    this.relativePath = relativePath;
    this.size = size;
    this.modificationTime = modificationTime;
  }

  @Override
  public String toString() {
    return uri;
  }
}
