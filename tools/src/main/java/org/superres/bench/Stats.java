package org.superres.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Medians: on a shared machine the middle of interleaved repeats is the figure that survives noise.
 */
final class Stats {
  private Stats() {}

  static double median(List<Double> values) {
    if (values.isEmpty()) return Double.NaN;
    List<Double> v = new ArrayList<>(values);
    Collections.sort(v);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  /** a / b, or NaN when either side is missing or b is zero. */
  static double ratio(double a, double b) {
    return Double.isFinite(a) && Double.isFinite(b) && b != 0 ? a / b : Double.NaN;
  }

  static double round(double v, int digits) {
    if (!Double.isFinite(v)) return v;
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
