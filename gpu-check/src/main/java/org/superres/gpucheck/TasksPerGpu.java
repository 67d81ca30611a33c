package org.superres.gpucheck;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How many tasks keep one GPU busy: while one task's tiles are on the GPU, the others decode and
 * encode, so N >= 1 + host time / GPU time per image (submit/GPU.md, "How many tasks per GPU").
 */
final class TasksPerGpu {
  static final int MAX = 16;

  private TasksPerGpu() {}

  static int recommend(double hostMsPerImage, double gpuMsPerImage) {
    if (!(gpuMsPerImage > 0)) {
      return MAX;
    }
    double n = Math.ceil(1 + hostMsPerImage / gpuMsPerImage);
    return (int) Math.max(1, Math.min(MAX, n));
  }

  /**
   * spark.task.resource.gpu.amount for n tasks per GPU: 1/n rounded down to 4 decimals, since Spark
   * takes floor(1 / amount) tasks per GPU and 1/n rounded up would give n - 1.
   */
  static String sparkAmount(int n) {
    if (n <= 1) {
      return "1";
    }
    return BigDecimal.ONE
        .divide(BigDecimal.valueOf(n), 4, RoundingMode.FLOOR)
        .stripTrailingZeros()
        .toPlainString();
  }
}
