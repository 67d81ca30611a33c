package org.superres.testing;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.superres.samples.SampleImages;

/** Small helpers to make and compare images in tests. */
public final class Images {
  private Images() {}

  public static Mat scene(int w, int h) {
    return SampleImages.scene(w, h, 7);
  }

  public static byte[] encode(Mat m, String ext, int... params) {
    BytePointer buf = new BytePointer();
    if (!opencv_imgcodecs.imencode(ext, m, buf, new org.bytedeco.javacpp.IntPointer(params))) {
      throw new IllegalStateException("encode " + ext);
    }
    byte[] b = new byte[(int) buf.limit()];
    buf.get(b);
    return b;
  }

  public static Mat solid(int w, int h, double b, double g, double r) {
    return new Mat(h, w, CV_8UC3, new Scalar(b, g, r, 0));
  }

  /** PSNR in dB between two images of the same size and type (infinite when identical). */
  public static double psnr(Mat a, Mat b) {
    return opencv_core.PSNR(a, b, a.depth() == opencv_core.CV_16U ? 65535 : 255);
  }

  public static boolean identical(Mat a, Mat b) {
    if (a.rows() != b.rows() || a.cols() != b.cols() || a.type() != b.type()) return false;
    Mat diff = new Mat();
    opencv_core.absdiff(a, b, diff);
    return opencv_core.countNonZero(diff.reshape(1, 0)) == 0;
  }
}
