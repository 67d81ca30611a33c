package org.superres.eval;

/**
 * Bicubic resize that reproduces MATLAB's {@code imresize(img, scale, 'bicubic')}, including its
 * antialiasing kernel stretch when downscaling, its border handling (out-of-range taps clamped to
 * the edge sample, i.e. the end samples are replicated; not the symmetric padding some ports use)
 * and its order of dimensions (rows first when the two scale factors are equal).
 *
 * <p>Images are interleaved row-major arrays ({@code [y][x][c]} flattened). With {@code uint8 =
 * true} the result of each one-dimensional pass is rounded and saturated to 0..255, which is what
 * MATLAB does for {@code uint8} input (its mex kernel returns the input's class after every pass).
 */
public final class MatlabImresize {

  private MatlabImresize() {}

  /** MATLAB's cubic kernel (a = -0.5). */
  static double cubic(double x) {
    double ax = Math.abs(x);
    double ax2 = ax * ax;
    double ax3 = ax2 * ax;
    if (ax <= 1) {
      return 1.5 * ax3 - 2.5 * ax2 + 1;
    }
    if (ax <= 2) {
      return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
    }
    return 0;
  }

  /** Output length as MATLAB computes it from a scale factor. */
  public static int outputLength(int inLength, double scale) {
    return (int) Math.ceil(inLength * scale);
  }

  /** Weights and (0-based) source indices of every output sample along one dimension. */
  static final class Contributions {
    final int taps;
    final double[] weights; // outLength * taps
    final int[] indices; // outLength * taps

    Contributions(int taps, double[] weights, int[] indices) {
      this.taps = taps;
      this.weights = weights;
      this.indices = indices;
    }
  }

  static Contributions contributions(
      int inLength, int outLength, double scale, boolean antialiasing) {
    double kernelWidth = 4.0;
    boolean stretch = scale < 1 && antialiasing;
    if (stretch) {
      kernelWidth = kernelWidth / scale;
    }
    int p = (int) Math.ceil(kernelWidth) + 2;
    double[] w = new double[outLength * p];
    int[] ind = new int[outLength * p];
    boolean[] used = new boolean[p];
    for (int i = 0; i < outLength; i++) {
      double x = i + 1; // MATLAB is 1-based
      double u = x / scale + 0.5 * (1 - 1 / scale);
      double left = Math.floor(u - kernelWidth / 2);
      double sum = 0;
      for (int j = 0; j < p; j++) {
        double idx = left + j;
        double d = u - idx;
        double v = stretch ? scale * cubic(scale * d) : cubic(d);
        w[i * p + j] = v;
        sum += v;
        // MATLAB clamps out-of-range indices, which replicates the end samples
        ind[i * p + j] = (int) Math.max(0, Math.min(inLength - 1, (long) idx - 1)); // 0-based
      }
      for (int j = 0; j < p; j++) {
        w[i * p + j] /= sum;
        if (w[i * p + j] != 0) {
          used[j] = true;
        }
      }
    }
    // MATLAB drops tap columns whose weights are all zero.
    int kept = 0;
    for (boolean b : used) {
      if (b) {
        kept++;
      }
    }
    if (kept == p) {
      return new Contributions(p, w, ind);
    }
    double[] w2 = new double[outLength * kept];
    int[] ind2 = new int[outLength * kept];
    for (int i = 0; i < outLength; i++) {
      int k = 0;
      for (int j = 0; j < p; j++) {
        if (used[j]) {
          w2[i * kept + k] = w[i * p + j];
          ind2[i * kept + k] = ind[i * p + j];
          k++;
        }
      }
    }
    return new Contributions(kept, w2, ind2);
  }

  private static double roundU8(double v) {
    if (v <= 0) {
      return 0;
    }
    if (v >= 255) {
      return 255;
    }
    return Math.floor(v + 0.5);
  }

  /**
   * Resizes by one scale factor in both dimensions.
   *
   * @param src interleaved {@code h * w * c} samples
   * @param uint8 round and saturate after each pass, as MATLAB does for uint8 images
   * @return interleaved {@code ceil(h*scale) * ceil(w*scale) * c} samples
   */
  public static double[] resize(double[] src, int h, int w, int c, double scale, boolean uint8) {
    int oh = outputLength(h, scale);
    int ow = outputLength(w, scale);
    return resize(src, h, w, c, oh, ow, scale, scale, uint8);
  }

  /**
   * Resizes to {@code oh x ow} with explicit per-dimension scale factors (rows first unless sy >
   * sx).
   */
  public static double[] resize(
      double[] src, int h, int w, int c, int oh, int ow, double sy, double sx, boolean uint8) {
    if (src.length != (long) h * w * c) {
      throw new IllegalArgumentException(
          "buffer length " + src.length + " != " + h + "x" + w + "x" + c);
    }
    if (sx < sy) {
      double[] t = resizeCols(src, h, w, c, ow, sx, uint8);
      return resizeRows(t, h, ow, c, oh, sy, uint8);
    }
    double[] t = resizeRows(src, h, w, c, oh, sy, uint8);
    return resizeCols(t, oh, w, c, ow, sx, uint8);
  }

  private static double[] resizeRows(
      double[] src, int h, int w, int c, int oh, double scale, boolean uint8) {
    Contributions k = contributions(h, oh, scale, true);
    int rowLen = w * c;
    double[] out = new double[oh * rowLen];
    for (int y = 0; y < oh; y++) {
      int ob = y * rowLen;
      for (int t = 0; t < k.taps; t++) {
        double wt = k.weights[y * k.taps + t];
        if (wt == 0) {
          continue;
        }
        int sb = k.indices[y * k.taps + t] * rowLen;
        for (int i = 0; i < rowLen; i++) {
          out[ob + i] += wt * src[sb + i];
        }
      }
      if (uint8) {
        for (int i = 0; i < rowLen; i++) {
          out[ob + i] = roundU8(out[ob + i]);
        }
      }
    }
    return out;
  }

  private static double[] resizeCols(
      double[] src, int h, int w, int c, int ow, double scale, boolean uint8) {
    Contributions k = contributions(w, ow, scale, true);
    double[] out = new double[h * ow * c];
    for (int y = 0; y < h; y++) {
      int sRow = y * w * c;
      int oRow = y * ow * c;
      for (int x = 0; x < ow; x++) {
        for (int ch = 0; ch < c; ch++) {
          double acc = 0;
          for (int t = 0; t < k.taps; t++) {
            acc += k.weights[x * k.taps + t] * src[sRow + k.indices[x * k.taps + t] * c + ch];
          }
          out[oRow + x * c + ch] = uint8 ? roundU8(acc) : acc;
        }
      }
    }
    return out;
  }
}
