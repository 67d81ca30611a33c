package org.superres.engine;

import java.util.Locale;

/** Where inference runs. AUTO picks CUDA when the GPU build is loaded and a device is visible. */
public enum Backend {
  AUTO,
  CPU,
  CUDA;

  public static Backend parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown device.backend '" + s + "': expected auto, cpu or cuda");
    }
  }
}
