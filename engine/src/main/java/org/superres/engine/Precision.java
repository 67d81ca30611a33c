package org.superres.engine;

import java.util.Locale;

/** Arithmetic precision of inference. FP16 only changes anything on the CUDA backend. */
public enum Precision {
  FP32,
  FP16;

  public static Precision parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown device.precision '" + s + "': expected fp32 or fp16");
    }
  }
}
