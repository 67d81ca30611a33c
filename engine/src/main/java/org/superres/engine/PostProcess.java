package org.superres.engine;

import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_imgproc.CLAHE;

/**
 * Optional finishing of the model's output, as the seed product offered: CLAHE (contrast-limited
 * adaptive histogram equalisation) on the lightness channel of Lab, then a linear
 * contrast/brightness change. Colour stays as the model made it (only L is equalised), alpha is
 * never touched, and 16-bit images stay 16-bit (with the 8-bit tone curve, see equaliseDeep). Off
 * by default: then {@link #apply} returns its input and {@link #description} is null.
 */
public final class PostProcess implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final PostProcess NONE = new PostProcess(1.0, 0.0, false, 2.0, 8);

  private final double contrast;
  private final double brightness;
  private final boolean clahe;
  private final double clipLimit;
  private final int tileGrid;

  /**
   * @param contrast multiplies sample values (1 = unchanged)
   * @param brightness added to sample values, in 8-bit units (scaled by 257 for 16-bit images)
   * @param clahe whether CLAHE runs on L
   * @param clipLimit CLAHE's clip limit (OpenCV's meaning: multiples of the mean histogram bin)
   * @param tileGrid CLAHE's grid: tileGrid x tileGrid tiles over the image
   */
  public PostProcess(
      double contrast, double brightness, boolean clahe, double clipLimit, int tileGrid) {
    if (!(contrast > 0) || contrast > 10) {
      throw new IllegalArgumentException("contrast must be within (0, 10], got " + contrast);
    }
    if (brightness < -255 || brightness > 255) {
      throw new IllegalArgumentException("brightness must be within -255..255, got " + brightness);
    }
    if (!(clipLimit > 0)) {
      throw new IllegalArgumentException("CLAHE clip limit must be > 0, got " + clipLimit);
    }
    if (tileGrid < 1 || tileGrid > 64) {
      throw new IllegalArgumentException("CLAHE tile grid must be within 1..64, got " + tileGrid);
    }
    this.contrast = contrast;
    this.brightness = brightness;
    this.clahe = clahe;
    this.clipLimit = clipLimit;
    this.tileGrid = tileGrid;
  }

  public boolean isOff() {
    return !clahe && contrast == 1.0 && brightness == 0.0;
  }

  /**
   * Whether apply() gives the same pixels on any horizontal strip of an image as on the whole:
   * contrast and brightness do; CLAHE's histograms span the whole image, so it needs all of it.
   */
  public boolean perStrip() {
    return !clahe;
  }

  /** What apply() does, in order, for the manifest's postprocess column; null when off. */
  public String description() {
    if (isOff()) {
      return null;
    }
    List<String> steps = new ArrayList<>();
    if (clahe) {
      steps.add(
          String.format(
              Locale.ROOT,
              "clahe(L, clip-limit=%s, tile-grid=%dx%d)",
              num(clipLimit),
              tileGrid,
              tileGrid));
    }
    if (contrast != 1.0 || brightness != 0.0) {
      steps.add("contrast=" + num(contrast) + ", brightness=" + num(brightness));
    }
    return String.join("; ", steps);
  }

  /**
   * The processed image: a new Mat, or {@code image} itself when off. Grey, BGR, BGRA; 8 or 16
   * bits.
   */
  public Mat apply(Mat image) {
    if (isOff()) {
      return image;
    }
    Mat colour = image;
    Mat alpha = null;
    if (image.channels() == 4) {
      MatVector planes = new MatVector();
      opencv_core.split(image, planes);
      alpha = planes.get(3);
      colour = new Mat();
      opencv_core.merge(new MatVector(planes.get(0), planes.get(1), planes.get(2)), colour);
    }
    Mat out = clahe ? equaliseLightness(colour) : colour;
    if (contrast != 1.0 || brightness != 0.0) {
      Mat adjusted = new Mat();
      double unit = out.depth() == CV_16U ? 257.0 : 1.0;
      out.convertTo(adjusted, -1, contrast, brightness * unit); // saturates at the type's range
      out = adjusted;
    }
    if (out == image) {
      out = image.clone();
    }
    if (alpha != null) {
      MatVector planes = new MatVector();
      opencv_core.split(out, planes);
      planes.push_back(alpha);
      Mat merged = new Mat();
      opencv_core.merge(planes, merged);
      out = merged;
    }
    return out;
  }

  private Mat equaliseLightness(Mat colour) {
    CLAHE c = opencv_imgproc.createCLAHE(clipLimit, new Size(tileGrid, tileGrid));
    boolean deep = colour.depth() == CV_16U;
    if (colour.channels() == 1) {
      // A grey image's L is a monotone function of its grey level: equalise the grey directly.
      Mat out = new Mat();
      if (!deep) {
        c.apply(colour, out);
        return out;
      }
      Mat f = new Mat();
      colour.convertTo(f, CV_32F);
      equaliseDeep(c, f, 65535.0).convertTo(out, CV_16U);
      return out;
    }
    Mat src = colour;
    if (deep) {
      // cvtColor's Lab takes 8-bit or float: float gives L in 0..100.
      src = new Mat();
      colour.convertTo(src, CV_32F, 1.0 / 65535.0, 0);
    }
    Mat lab = new Mat();
    opencv_imgproc.cvtColor(src, lab, opencv_imgproc.COLOR_BGR2Lab);
    MatVector planes = new MatVector();
    opencv_core.split(lab, planes);
    Mat equalised;
    if (deep) {
      equalised = equaliseDeep(c, planes.get(0), 100.0);
    } else {
      equalised = new Mat();
      c.apply(planes.get(0), equalised);
    }
    Mat merged = new Mat();
    opencv_core.merge(new MatVector(equalised, planes.get(1), planes.get(2)), merged);
    Mat bgr = new Mat();
    opencv_imgproc.cvtColor(merged, bgr, opencv_imgproc.COLOR_Lab2BGR);
    if (!deep) {
      return bgr;
    }
    Mat out = new Mat();
    bgr.convertTo(out, CV_16U, 65535.0, 0);
    return out;
  }

  /**
   * CLAHE for a float channel of range 0..fullScale from deep images. OpenCV's 16-bit CLAHE divides
   * the clip limit over 65536 bins, which leaves it without effect at usual limits; so the 8-bit
   * tone curve is computed, and added as an offset, which keeps the samples' low bits.
   */
  private static Mat equaliseDeep(CLAHE c, Mat channel, double fullScale) {
    Mat proxy = new Mat();
    channel.convertTo(proxy, opencv_core.CV_8U, 255.0 / fullScale, 0);
    Mat eq = new Mat();
    c.apply(proxy, eq);
    Mat eqF = new Mat();
    Mat proxyF = new Mat();
    eq.convertTo(eqF, CV_32F);
    proxy.convertTo(proxyF, CV_32F);
    Mat delta = new Mat();
    opencv_core.subtract(eqF, proxyF, delta);
    Mat out = new Mat();
    opencv_core.scaleAdd(delta, fullScale / 255.0, channel, out);
    return out;
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
