package org.superres.job;

import java.io.Serializable;

/**
 * What the driver decided for one listed input, before any image is read: process it into its
 * output, skip it (and say why in the manifest's note), or fail it with a plan error. Travels to
 * the executor that writes its manifest row.
 */
public final class PlannedInput implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The three outcomes of planning. */
  public enum Action {
    PROCESS,
    SKIP,
    PLAN_ERROR
  }

  public final InputFile input;
  public final Action action;

  /** Where the output goes; null only for a plan error that found no valid output path. */
  public final String outputUri;

  /** SKIP: why (the manifest's note); PLAN_ERROR: what is wrong and what to do; PROCESS: null. */
  public final String reason;

  /** For inputs sampled for the run report's gallery: the prefix of their gallery files. */
  public final String galleryPrefix;

  private PlannedInput(
      InputFile input, Action action, String outputUri, String reason, String galleryPrefix) {
    this.input = input;
    this.action = action;
    this.outputUri = outputUri;
    this.reason = reason;
    this.galleryPrefix = galleryPrefix;
  }

  public static PlannedInput process(InputFile input, String outputUri) {
    return new PlannedInput(input, Action.PROCESS, outputUri, null, null);
  }

  public static PlannedInput skip(InputFile input, String outputUri, String reason) {
    return new PlannedInput(input, Action.SKIP, outputUri, reason, null);
  }

  public static PlannedInput planError(InputFile input, String outputUri, String message) {
    return new PlannedInput(input, Action.PLAN_ERROR, outputUri, message, null);
  }

  /** This input, chosen for the report's gallery. */
  public PlannedInput sampled(String prefix) {
    return new PlannedInput(input, action, outputUri, reason, prefix);
  }

  /** Whether an image is read, enhanced and written for it. */
  public boolean hasWork() {
    return action == Action.PROCESS;
  }

  @Override
  public String toString() {
    return action + " " + input.uri;
  }
}
