package org.superres.eval;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Y-channel PSNR and SSIM the way the usual MATLAB SR evaluation scripts compute them: {@code
 * rgb2ycbcr} luma (BT.601, 16..235), {@code scale} pixels cropped from every border, SSIM of Wang
 * et al. (2004) with an 11x11 gaussian window (sigma 1.5), K1 = 0.01, K2 = 0.03, L = 255, 'valid'
 * filtering, mean of the SSIM map.
 */
public final class Metrics {

  private Metrics() {}

  /**
   * Luma as MATLAB's {@code rgb2ycbcr} computes it on double input in 0..1, scaled to 0..255 (not
   * rounded).
   */
  public static double[] luma(Mat bgr) {
    if (bgr.channels() != 3) {
      throw new IllegalArgumentException(
          "expected a 3-channel BGR image, got " + bgr.channels() + " channels");
    }
    double[] d = Images.toDoubles(bgr);
    int n = bgr.rows() * bgr.cols();
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double b = d[3 * i] / 255.0;
      double g = d[3 * i + 1] / 255.0;
      double r = d[3 * i + 2] / 255.0;
      y[i] = 16.0 + 65.481 * r + 128.553 * g + 24.966 * b;
    }
    return y;
  }

  /**
   * The plane that is scored: Y for colour images; for grayscale sources (where the usual scripts
   * score the gray values themselves, not a 16..235 luma) the luma mapped back to 0..255, which
   * equals the gray value when the three channels are equal.
   */
  public static double[] plane(Mat bgr, boolean grayscaleSource) {
    double[] y = luma(bgr);
    if (grayscaleSource) {
      for (int i = 0; i < y.length; i++) {
        y[i] = (y[i] - 16.0) * 255.0 / 219.0;
      }
    }
    return y;
  }

  /** Copies the centre of an {@code h x w} plane without {@code border} pixels on each side. */
  public static double[] shave(double[] plane, int h, int w, int border) {
    int oh = h - 2 * border;
    int ow = w - 2 * border;
    if (oh <= 0 || ow <= 0) {
      throw new IllegalArgumentException(
          "image " + w + "x" + h + " too small for border " + border);
    }
    double[] out = new double[oh * ow];
    for (int y = 0; y < oh; y++) {
      System.arraycopy(plane, (y + border) * w + border, out, y * ow, ow);
    }
    return out;
  }

  /** PSNR (dB, peak 255) of two planes of equal size. */
  public static double psnr(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("planes differ in size: " + a.length + " vs " + b.length);
    }
    double se = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      se += d * d;
    }
    double mse = se / a.length;
    if (mse == 0) {
      return Double.POSITIVE_INFINITY;
    }
    return 10 * Math.log10(255.0 * 255.0 / mse);
  }

  private static double[] gaussianWindow() {
    int size = 11;
    double sigma = 1.5;
    double[] g = new double[size * size];
    double sum = 0;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double dy = y - 5;
        double dx = x - 5;
        double v = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
        g[y * size + x] = v;
        sum += v;
      }
    }
    for (int i = 0; i < g.length; i++) {
      g[i] /= sum;
    }
    return g;
  }

  private static final double[] WINDOW = gaussianWindow();

  /**
   * Mean SSIM of two {@code h x w} planes in 0..255 (Wang et al., gaussian 11x11, sigma 1.5, valid
   * region).
   */
  public static double ssim(double[] a, double[] b, int h, int w) {
    final int k = 11;
    if (h < k || w < k) {
      throw new IllegalArgumentException(
          "image " + w + "x" + h + " smaller than the 11x11 SSIM window");
    }
    double c1 = Math.pow(0.01 * 255, 2);
    double c2 = Math.pow(0.03 * 255, 2);
    int oh = h - k + 1;
    int ow = w - k + 1;
    double total = 0;
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        double ma = 0;
        double mb = 0;
        double saa = 0;
        double sbb = 0;
        double sab = 0;
        for (int j = 0; j < k; j++) {
          int row = (y + j) * w + x;
          for (int i = 0; i < k; i++) {
            double g = WINDOW[j * k + i];
            double va = a[row + i];
            double vb = b[row + i];
            ma += g * va;
            mb += g * vb;
            saa += g * va * va;
            sbb += g * vb * vb;
            sab += g * va * vb;
          }
        }
        double varA = saa - ma * ma;
        double varB = sbb - mb * mb;
        double cov = sab - ma * mb;
        total +=
            ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (varA + varB + c2));
      }
    }
    return total / ((double) oh * ow);
  }

  /** PSNR and SSIM on Y of {@code test} against {@code reference}, both BGR 8-bit of equal size. */
  public static double[] psnrSsimY(Mat reference, Mat test, int border) {
    return psnrSsimY(reference, test, border, false);
  }

  /**
   * As {@link #psnrSsimY(Mat, Mat, int)}; with {@code grayscaleSource} scores gray values (see
   * {@link #plane}).
   */
  public static double[] psnrSsimY(Mat reference, Mat test, int border, boolean grayscaleSource) {
    if (reference.rows() != test.rows() || reference.cols() != test.cols()) {
      throw new IllegalArgumentException(
          "size mismatch: reference "
              + reference.cols()
              + "x"
              + reference.rows()
              + ", test "
              + test.cols()
              + "x"
              + test.rows());
    }
    int h = reference.rows();
    int w = reference.cols();
    double[] ya = shave(plane(reference, grayscaleSource), h, w, border);
    double[] yb = shave(plane(test, grayscaleSource), h, w, border);
    int sh = h - 2 * border;
    int sw = w - 2 * border;
    return new double[] {psnr(ya, yb), ssim(ya, yb, sh, sw)};
  }
}
