package org.superres.engine;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC4;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.javacpp.indexer.UShortIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;

class ReportCropsTest {

  @Test
  void cropsTheMostDetailedRegionAndAlignsBicubicWithTheOutput() {
    // Flat grey with one fine checkerboard patch: the crop must land on the patch.
    Mat lr = new Mat(90, 120, CV_8UC3, new Scalar(128, 128, 128, 0));
    try (UByteIndexer px = lr.createIndexer()) {
      for (int y = 50; y < 74; y++) {
        for (int x = 80; x < 104; x++) {
          int v = ((x / 3 + y / 3) % 2 == 0) ? 240 : 20;
          for (int c = 0; c < 3; c++) {
            px.put(y, x, c, v);
          }
        }
      }
    }
    // A "model" that is itself a whole-image bicubic: the bicubic crop must then match the model
    // crop.
    Mat hr = new Mat();
    opencv_imgproc.resize(lr, hr, new Size(360, 270), 0, 0, opencv_imgproc.INTER_CUBIC);

    ReportCrops.Result r = new ReportCrops(160, 320).make(lr, hr, 3);

    assertEquals(160, r.crop.width());
    assertEquals(160, r.crop.height());
    int cx = 92 * 3;
    int cy = 62 * 3;
    assertTrue(
        r.crop.x() <= cx && cx < r.crop.x() + 160 && r.crop.y() <= cy && cy < r.crop.y() + 160,
        "crop "
            + r.crop.x()
            + ","
            + r.crop.y()
            + " should contain the patch centre "
            + cx
            + ","
            + cy);

    Mat model = decode(r.modelCropPng);
    Mat bicubic = decode(r.bicubicCropPng);
    assertEquals(160, model.cols());
    assertEquals(160, bicubic.rows());
    assertTrue(
        meanAbsDiff(model, bicubic) < 1.0,
        "bicubic crop is misaligned: " + meanAbsDiff(model, bicubic));
    assertTrue(
        meanAbsDiff(model, new Mat(hr, new Rect(0, 0, 160, 160))) > 5,
        "the crop should not be the corner");

    Mat thumb = decode(r.thumbnailJpeg);
    assertEquals(320, thumb.cols());
    assertEquals(240, thumb.rows());
    assertEquals(320, r.thumbnailWidth);
    assertEquals(360, r.outputWidth);
  }

  @Test
  void findsTheDetailAlsoWhenSearchingAReducedCopy() {
    Mat lr = new Mat(300, 400, CV_8UC3, new Scalar(128, 128, 128, 0));
    try (UByteIndexer px = lr.createIndexer()) {
      for (int y = 220; y < 260; y++) {
        for (int x = 300; x < 340; x++) {
          int v = ((x / 2 + y / 2) % 2 == 0) ? 230 : 30;
          for (int c = 0; c < 3; c++) {
            px.put(y, x, c, v);
          }
        }
      }
    }
    Mat hr = new Mat();
    opencv_imgproc.resize(lr, hr, new Size(1200, 900), 0, 0, opencv_imgproc.INTER_NEAREST);
    Rect crop =
        new ReportCrops(160, 320, 10_000).detailCrop(lr, hr, 3); // searched at 1/12 of the pixels
    int cx = 320 * 3;
    int cy = 240 * 3;
    assertTrue(
        crop.x() <= cx
            && cx < crop.x() + crop.width()
            && crop.y() <= cy
            && cy < crop.y() + crop.height(),
        "crop " + crop.x() + "," + crop.y() + " should contain the patch centre " + cx + "," + cy);
    assertTrue(crop.x() + crop.width() <= 1200 && crop.y() + crop.height() <= 900);
  }

  @Test
  void smallImagesAreCroppedWhole() {
    Mat lr = new Mat(20, 30, CV_8UC3, new Scalar(10, 200, 90, 0));
    Mat hr = new Mat();
    opencv_imgproc.resize(lr, hr, new Size(60, 40), 0, 0, opencv_imgproc.INTER_CUBIC);
    ReportCrops.Result r = new ReportCrops(160, 320).make(lr, hr, 2);
    assertEquals(0, r.crop.x());
    assertEquals(0, r.crop.y());
    assertEquals(60, r.crop.width());
    assertEquals(40, r.crop.height());
    assertEquals(60, decode(r.thumbnailJpeg).cols(), "never upscaled for the thumbnail");
  }

  @Test
  void sixteenBitAlphaBecomesEightBitOnWhite() {
    Mat lr = new Mat(40, 40, CV_16UC4, new Scalar(0, 0, 65535, 0)); // fully transparent red
    try (UShortIndexer px = lr.createIndexer()) {
      for (int y = 10; y < 20; y++) {
        for (int x = 10; x < 20; x++) {
          px.put(y, x, 3, 65535); // an opaque red square
        }
      }
    }
    Mat hr = new Mat();
    opencv_imgproc.resize(lr, hr, new Size(120, 120), 0, 0, opencv_imgproc.INTER_NEAREST);
    ReportCrops.Result r = new ReportCrops(160, 320).make(lr, hr, 3);
    Mat model = decode(r.modelCropPng);
    assertEquals(CV_8UC3, model.type());
    try (UByteIndexer px = model.createIndexer()) {
      assertEquals(255, px.get(2, 2, 0), "transparent pixels show white");
      assertEquals(255, px.get(2, 2, 1));
      assertEquals(0, px.get(45, 45, 0), "opaque red stays red");
      assertEquals(255, px.get(45, 45, 2));
    }
  }

  @Test
  void refusesAnOutputOfTheWrongSize() {
    Mat lr = new Mat(20, 20, CV_8UC3, new Scalar(0));
    Mat hr = new Mat(50, 50, CV_8UC3, new Scalar(0));
    assertThrows(IllegalArgumentException.class, () -> new ReportCrops(160, 320).make(lr, hr, 3));
  }

  private static Mat decode(byte[] bytes) {
    Mat buf = new Mat(1, bytes.length, opencv_core.CV_8UC1);
    buf.data().put(bytes);
    return opencv_imgcodecs.imdecode(buf, opencv_imgcodecs.IMREAD_UNCHANGED);
  }

  private static double meanAbsDiff(Mat a, Mat b) {
    Mat d = new Mat();
    opencv_core.absdiff(a, b, d);
    Scalar m = opencv_core.mean(d);
    return (m.get(0) + m.get(1) + m.get(2)) / 3;
  }
}
