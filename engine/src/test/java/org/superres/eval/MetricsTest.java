package org.superres.eval;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void lumaMatchesMatlabRgb2ycbcr() {
    Mat white = new Mat(2, 2, CV_8UC3, new Scalar(255, 255, 255, 0));
    Mat black = new Mat(2, 2, CV_8UC3, new Scalar(0, 0, 0, 0));
    Mat red = new Mat(1, 1, CV_8UC3, new Scalar(0, 0, 255, 0)); // BGR
    assertEquals(235.0, Metrics.luma(white)[0], 1e-9);
    assertEquals(16.0, Metrics.luma(black)[0], 1e-9);
    assertEquals(16.0 + 65.481, Metrics.luma(red)[0], 1e-9);
    assertEquals(255.0, Metrics.plane(white, true)[0], 1e-9);
  }

  @Test
  void psnrOfKnownError() {
    double[] a = new double[100];
    double[] b = new double[100];
    for (int i = 0; i < 100; i++) {
      b[i] = 5; // MSE 25
    }
    assertEquals(10 * Math.log10(255.0 * 255.0 / 25.0), Metrics.psnr(a, b), 1e-12);
    assertEquals(Double.POSITIVE_INFINITY, Metrics.psnr(a, a));
  }

  @Test
  void ssimIsOneForIdenticalAndLowerForNoisy() {
    int h = 32;
    int w = 40;
    double[] a = new double[h * w];
    double[] b = new double[h * w];
    java.util.Random r = new java.util.Random(3);
    for (int i = 0; i < a.length; i++) {
      a[i] = 50 + 100 * ((i % w) / (double) w) + r.nextGaussian() * 10;
      b[i] = a[i] + r.nextGaussian() * 20;
    }
    assertEquals(1.0, Metrics.ssim(a, a, h, w), 1e-12);
    double s = Metrics.ssim(a, b, h, w);
    assertEquals(true, s < 0.9 && s > 0, "ssim " + s);
    // constant offset: luminance term only, (2*m*(m+d)+C1)/(m^2+(m+d)^2+C1)
    double[] c = new double[h * w];
    double[] d = new double[h * w];
    java.util.Arrays.fill(c, 100);
    java.util.Arrays.fill(d, 110);
    double c1 = Math.pow(0.01 * 255, 2);
    assertEquals(
        (2 * 100 * 110 + c1) / (100 * 100 + 110 * 110 + c1), Metrics.ssim(c, d, h, w), 1e-12);
  }

  @Test
  void shaveCropsBorders() {
    double[] p = new double[5 * 6];
    for (int i = 0; i < p.length; i++) {
      p[i] = i;
    }
    double[] s = Metrics.shave(p, 5, 6, 1);
    assertEquals(3 * 4, s.length);
    assertEquals(7, s[0], 0);
    assertEquals(22, s[s.length - 1], 0);
  }
}
