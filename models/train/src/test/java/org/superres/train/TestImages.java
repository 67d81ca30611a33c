package org.superres.train;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Deterministic 8-bit BGR test images: smooth gradients, a sharp edge and noise, so every filter
 * tap matters.
 */
final class TestImages {

  private TestImages() {}

  static Mat pattern(int h, int w, long seed) {
    Random r = new Random(seed);
    byte[] px = new byte[h * w * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          double v =
              128
                  + 90 * Math.sin(0.3 * x + 0.2 * y + c)
                  + (x > w / 2 ? 40 : -40)
                  + 12 * r.nextGaussian();
          px[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
        }
      }
    }
    Mat m = new Mat(h, w, CV_8UC3);
    m.data().put(px);
    return m;
  }

  static byte[] bytes(Mat m) {
    Mat c = m.isContinuous() ? m : m.clone();
    byte[] b = new byte[(int) (c.total() * c.channels())];
    c.data().get(b);
    return b;
  }
}
