package org.superres.engine;

import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Mean BGR of DIV2K, which EDSR graphs expect subtracted from their 0..255 input and added back to
 * their output (as DnnSuperResImpl does): one copy for the engine and the GPU check.
 */
public final class Div2kMean {
  public static final double B = 103.1545782;
  public static final double G = 111.561547;
  public static final double R = 114.35629928;

  private Div2kMean() {}

  /** A new Scalar each time: a Scalar is a mutable native object. */
  public static Scalar bgr() {
    return new Scalar(B, G, R, 0);
  }
}
