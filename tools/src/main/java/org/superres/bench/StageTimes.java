package org.superres.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Milliseconds per pipeline stage summed over a pass, reported per image (the manifest's stage
 * names).
 */
final class StageTimes {
  static final String[] STAGES = {"load", "read", "decode", "infer", "encode", "write"};

  private final Map<String, Double> sums = new LinkedHashMap<>();

  StageTimes() {
    for (String s : STAGES) sums.put(s, 0.0);
  }

  /** Adds the time since {@code t0} (System.nanoTime) to a stage and returns now, for chaining. */
  long lap(String stage, long t0) {
    long now = System.nanoTime();
    add(stage, (now - t0) / 1e6);
    return now;
  }

  void add(String stage, double ms) {
    if (!sums.containsKey(stage)) throw new IllegalArgumentException("unknown stage " + stage);
    sums.merge(stage, ms, Double::sum);
  }

  /** Per-image milliseconds for every stage. */
  Map<String, Double> perImage(int images) {
    Map<String, Double> out = new LinkedHashMap<>();
    sums.forEach((k, v) -> out.put(k, images == 0 ? 0 : v / images));
    return out;
  }
}
