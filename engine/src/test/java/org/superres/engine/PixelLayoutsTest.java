package org.superres.engine;

import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_16UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.bytedeco.javacpp.indexer.UShortIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.superres.samples.SampleImages;
import org.superres.testing.Fixtures;
import org.superres.testing.Images;

/**
 * Grey, BGRA and 16-bit inputs come out with the right size, channels and depth, through a real
 * model.
 */
class PixelLayoutsTest {
  private static SuperResNet net;
  private static Enhancer enhancer;

  @BeforeAll
  static void load() {
    Path file = Fixtures.thirdPartyModel("ESPCN_x3.pb");
    net = ModelKindsTest.load("espcn", 3, file);
    enhancer = new Enhancer(net, new TiledUpscaler(64, 12));
  }

  @AfterAll
  static void close() {
    if (net != null) net.close();
  }

  @Test
  void greyStaysGrey() {
    Mat grey = SampleImages.grey(Images.scene(80, 50));
    Mat out = enhancer.enhance(grey).image;
    assertEquals(1, out.channels());
    assertEquals(CV_8U, out.depth());
    assertEquals(240, out.cols());
    assertEquals(150, out.rows());
  }

  @Test
  void alphaIsUpscaledSeparatelyAndKept() {
    Mat bgra = SampleImages.logoWithAlpha(90, 60);
    Mat out = enhancer.enhance(bgra).image;
    assertEquals(4, out.channels());
    assertEquals(270, out.cols());
    MatVector in = new MatVector();
    opencv_core.split(bgra, in);
    MatVector planes = new MatVector();
    opencv_core.split(out, planes);
    Mat expectedAlpha = new Mat();
    opencv_imgproc.resize(
        in.get(3), expectedAlpha, new Size(270, 180), 0, 0, opencv_imgproc.INTER_CUBIC);
    assertTrue(
        Images.identical(expectedAlpha, planes.get(3)),
        "alpha is the bicubic upscale of the input alpha");
    // transparent corners stay transparent, the opaque centre stays opaque
    assertEquals(0, planes.get(3).ptr(0, 0).get() & 0xff);
    assertEquals(255, planes.get(3).ptr(90, 135).get() & 0xff);
  }

  @Test
  void sixteenBitStaysSixteenBitAndKeepsFinePrecision() {
    Mat img8 = Images.scene(60, 40);
    Mat img16 = new Mat();
    img8.convertTo(img16, CV_16UC3, 257.0, 0);
    // add sub-8-bit detail that an 8-bit pipeline would lose
    Mat fine = new Mat(img16.size(), CV_16UC3, new Scalar(100, 60, 30, 0));
    opencv_core.add(img16, fine, img16);
    Mat out = enhancer.enhance(img16).image;
    assertEquals(CV_16U, out.depth());
    assertEquals(3, out.channels());
    assertEquals(180, out.cols());
    // values that are not multiples of 257 exist: the output was not computed in 8 bits and scaled
    // up
    UShortIndexer ix = out.createIndexer();
    int notMultiple = 0;
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 30; x++) {
        if (ix.get(y, x, 0) % 257 != 0) notMultiple++;
      }
    }
    assertTrue(
        notMultiple > 800, "16-bit output looks quantized to 8 bits: " + notMultiple + "/900");
    // and it agrees with the 8-bit path on the coarse picture
    Mat out8 = enhancer.enhance(img8).image;
    Mat down = new Mat();
    out.convertTo(down, CV_8U, 1.0 / 257.0, 0);
    double psnr = Images.psnr(out8, down);
    assertTrue(psnr > 35, "16-bit and 8-bit outputs disagree: " + psnr + " dB");
  }
}
