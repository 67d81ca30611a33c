package org.superres.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Chooses, on the driver, which inputs the run report's gallery shows: up to report.samples of
 * those that will be processed (not skipped, no plan error), spread evenly over the listing so that
 * every part of an archive is represented. Each gets the asset prefix its executor writes crops
 * under.
 */
public final class ReportSampler {
  private ReportSampler() {}

  /** The directory of a run's gallery assets. */
  public static String assetsDir(OutputLayout layout, String runId) {
    return layout.runDir(runId) + "/report-assets";
  }

  /** Marks the sampled inputs (sets InputFile.reportAssets) and returns how many were marked. */
  public static int mark(List<InputFile> inputs, int samples, String assetsDir) {
    List<InputFile> eligible = new ArrayList<>();
    for (InputFile in : inputs) {
      if (!in.skip && in.planError == null) {
        eligible.add(in);
      }
    }
    int n = Math.min(samples, eligible.size());
    for (int k = 0; k < n; k++) {
      // The middle of the k-th of n equal stretches of the listing.
      int i = (int) (((2L * k + 1) * eligible.size()) / (2L * n));
      eligible.get(i).reportAssets = String.format(Locale.ROOT, "%s/%05d", assetsDir, k);
    }
    return n;
  }
}
