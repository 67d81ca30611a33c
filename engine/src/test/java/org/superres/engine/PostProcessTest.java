package org.superres.engine;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.javacpp.indexer.UShortIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class PostProcessTest {

  @Test
  void offReturnsTheImageItselfAndDescribesNothing() {
    Mat img = new Mat(4, 4, CV_8UC3, new Scalar(10, 20, 30, 0));
    assertSame(img, PostProcess.NONE.apply(img));
    assertNull(PostProcess.NONE.description());
    assertTrue(new PostProcess(1.0, 0, false, 3.0, 4).isOff());
  }

  @Test
  void contrastAndBrightnessSaturateAndLeaveAlphaAlone() {
    Mat img = new Mat(2, 2, CV_8UC4, new Scalar(50, 200, 0, 77));
    PostProcess p = new PostProcess(2.0, 10, false, 2.0, 8);
    Mat out = p.apply(img);
    assertEquals(CV_8UC4, out.type());
    try (UByteIndexer px = out.createIndexer()) {
      assertEquals(110, px.get(1, 1, 0)); // 50 * 2 + 10
      assertEquals(255, px.get(1, 1, 1)); // 410, saturated
      assertEquals(10, px.get(1, 1, 2));
      assertEquals(77, px.get(1, 1, 3)); // alpha untouched
    }
    assertEquals("contrast=2, brightness=10", p.description());
  }

  @Test
  void claheSpreadsTheLightnessOfAFlatImageAndKeepsTheType() {
    // A high clip limit: a smooth gradient's narrow histogram is then stretched, not clipped back.
    PostProcess clahe = new PostProcess(1.0, 0, true, 40.0, 2);
    assertEquals("clahe(L, clip-limit=40, tile-grid=2x2)", clahe.description());
    assertEquals(
        "clahe(L, clip-limit=2.5, tile-grid=8x8); contrast=1.1, brightness=-5",
        new PostProcess(1.1, -5, true, 2.5, 8).description());

    Mat img8 = lowContrastGradient(false);
    Mat out8 = clahe.apply(img8);
    assertEquals(CV_8UC3, out8.type());
    assertTrue(
        greyStdDev(out8) > 1.5 * greyStdDev(img8), "CLAHE should raise the contrast of 8-bit L");

    Mat img16 = lowContrastGradient(true);
    Mat out16 = clahe.apply(img16);
    assertEquals(CV_16UC3, out16.type(), "16-bit images stay 16-bit");
    assertTrue(
        greyStdDev(out16) > 1.5 * greyStdDev(img16), "CLAHE should raise the contrast of 16-bit L");

    Mat grey16 = new Mat();
    opencv_imgproc.cvtColor(img16, grey16, opencv_imgproc.COLOR_BGR2GRAY);
    Mat outGrey16 = clahe.apply(grey16);
    assertEquals(opencv_core.CV_16UC1, outGrey16.type());
    assertTrue(
        stdDev(outGrey16) > 1.5 * stdDev(grey16), "CLAHE should raise the contrast of 16-bit grey");
  }

  @Test
  void refusesValuesOutsideTheirRange() {
    assertThrows(IllegalArgumentException.class, () -> new PostProcess(0, 0, false, 2, 8));
    assertThrows(IllegalArgumentException.class, () -> new PostProcess(1, 300, false, 2, 8));
    assertThrows(IllegalArgumentException.class, () -> new PostProcess(1, 0, true, 0, 8));
    assertThrows(IllegalArgumentException.class, () -> new PostProcess(1, 0, true, 2, 0));
  }

  /** A 64x64 bluish gradient whose levels span only about 40 of 255. */
  private static Mat lowContrastGradient(boolean deep) {
    Mat m = new Mat(64, 64, CV_8UC3);
    try (UByteIndexer px = m.createIndexer()) {
      for (int y = 0; y < 64; y++) {
        for (int x = 0; x < 64; x++) {
          int v = 100 + (x + y) * 40 / 126;
          px.put(y, x, 0, v + 10);
          px.put(y, x, 1, v);
          px.put(y, x, 2, v - 10);
        }
      }
    }
    if (!deep) {
      return m;
    }
    Mat m16 = new Mat();
    m.convertTo(m16, opencv_core.CV_16U, 257.0, 0);
    try (UShortIndexer px = m16.createIndexer()) {
      px.put(0, 0, 0, px.get(0, 0, 0) + 3); // a value 8 bits cannot hold
    }
    return m16;
  }

  private static double greyStdDev(Mat bgr) {
    Mat grey = new Mat();
    opencv_imgproc.cvtColor(bgr, grey, opencv_imgproc.COLOR_BGR2GRAY);
    return stdDev(grey);
  }

  private static double stdDev(Mat grey) {
    Mat mean = new Mat();
    Mat std = new Mat();
    opencv_core.meanStdDev(grey, mean, std);
    try (org.bytedeco.javacpp.indexer.DoubleIndexer s = std.createIndexer()) {
      return s.get(0, 0);
    }
  }
}
