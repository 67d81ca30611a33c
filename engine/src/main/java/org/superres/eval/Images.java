package org.superres.eval;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/** 8-bit BGR {@link Mat} helpers: reading, cropping, MATLAB bicubic down/up-scaling. */
public final class Images {

  private Images() {}

  /**
   * Reads an image as 8-bit, 3-channel BGR; fails with the path in the message if it cannot be
   * read.
   */
  public static Mat readBgr(Path file) {
    Mat m = imread(file.toString(), IMREAD_COLOR);
    if (m == null || m.empty()) {
      throw new IllegalArgumentException("cannot read image " + file);
    }
    return m;
  }

  /** True when the file itself is a single-channel (grayscale) image. */
  public static boolean isGrayscaleFile(Path file) {
    Mat m = imread(file.toString(), IMREAD_UNCHANGED);
    return m != null && !m.empty() && m.channels() == 1;
  }

  /**
   * Crops the bottom/right so that both sides are multiples of {@code scale} (MATLAB {@code
   * modcrop}).
   */
  public static Mat modcrop(Mat img, int scale) {
    int h = img.rows() - img.rows() % scale;
    int w = img.cols() - img.cols() % scale;
    if (h == img.rows() && w == img.cols()) {
      return img;
    }
    return new Mat(img, new Rect(0, 0, w, h)).clone();
  }

  /** Interleaved samples of an 8-bit Mat as doubles (channel order unchanged). */
  public static double[] toDoubles(Mat img) {
    int h = img.rows();
    int w = img.cols();
    int c = img.channels();
    double[] out = new double[h * w * c];
    Mat src = img.isContinuous() ? img : img.clone();
    byte[] raw = new byte[h * w * c];
    src.data().get(raw);
    for (int i = 0; i < raw.length; i++) {
      out[i] = raw[i] & 0xff;
    }
    return out;
  }

  /** Builds an 8-bit 3-channel Mat from interleaved samples, rounding half up and saturating. */
  public static Mat fromDoubles(double[] data, int h, int w) {
    Mat m = new Mat(h, w, CV_8UC3);
    if (data.length != h * w * 3) {
      throw new IllegalArgumentException(
          "buffer length " + data.length + " != " + h + "x" + w + "x3");
    }
    byte[] raw = new byte[data.length];
    for (int i = 0; i < data.length; i++) {
      double v = data[i];
      int r = v <= 0 ? 0 : v >= 255 ? 255 : (int) Math.floor(v + 0.5);
      raw[i] = (byte) r;
    }
    m.data().put(raw);
    return m;
  }

  /**
   * MATLAB {@code imresize(img, 1/scale, 'bicubic')} of a uint8 image; the image should be
   * modcropped.
   */
  public static Mat downscale(Mat bgr, int scale) {
    double[] d = toDoubles(bgr);
    double s = 1.0 / scale;
    double[] r = MatlabImresize.resize(d, bgr.rows(), bgr.cols(), bgr.channels(), s, true);
    return fromDoubles(
        r, MatlabImresize.outputLength(bgr.rows(), s), MatlabImresize.outputLength(bgr.cols(), s));
  }

  /** MATLAB {@code imresize(img, scale, 'bicubic')} of a uint8 image. */
  public static Mat upscale(Mat bgr, int scale) {
    double[] d = toDoubles(bgr);
    double[] r = MatlabImresize.resize(d, bgr.rows(), bgr.cols(), bgr.channels(), scale, true);
    return fromDoubles(r, bgr.rows() * scale, bgr.cols() * scale);
  }
}
