package org.superres.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Chooses, on the driver, which inputs the run report's gallery shows: up to report.samples of
 * those that will be processed, spread evenly over the listing so that every part of an archive is
 * represented. Each gets the prefix its executor writes the gallery files under.
 */
public final class ReportSampler {
  private ReportSampler() {}

  /**
   * Replaces the sampled entries of {@code plan} by their sampled form and returns how many there
   * are.
   */
  public static int sample(List<PlannedInput> plan, int samples, String galleryDir) {
    List<Integer> eligible = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      if (plan.get(i).hasWork()) {
        eligible.add(i);
      }
    }
    int n = Math.min(samples, eligible.size());
    for (int k = 0; k < n; k++) {
      // The middle of the k-th of n equal stretches of the listing.
      int i = eligible.get((int) (((2L * k + 1) * eligible.size()) / (2L * n)));
      plan.set(i, plan.get(i).sampled(String.format(Locale.ROOT, "%s/%05d", galleryDir, k)));
    }
    return n;
  }
}
