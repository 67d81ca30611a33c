package org.superres.engine;

import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * What the run report shows of one enhanced image, made while input and output are still in memory:
 * a 1:1 crop of the output where the input has the most detail (highest gradient energy), the same
 * region of a bicubic upscale of the input, and a thumbnail of the whole output. Everything is
 * reduced to 8 bits and alpha is flattened onto white, so any browser shows it; crops are PNG (no
 * compression artefacts in a comparison), the thumbnail JPEG.
 */
public final class ReportCrops {
  /**
   * LR pixels of context around the crop for the bicubic upscale, so its edges match a whole-image
   * resize.
   */
  private static final int MARGIN = 4;

  /**
   * Larger inputs are searched for detail at reduced size: the buffers stay small for huge scans.
   */
  private static final long DETAIL_SEARCH_PIXELS = 4_000_000;

  private final int cropEdge;
  private final int thumbnailEdge;
  private final long detailSearchPixels;

  /**
   * @param cropEdge edge of the comparison crops in output pixels
   * @param thumbnailEdge longest edge of the thumbnail
   */
  public ReportCrops(int cropEdge, int thumbnailEdge) {
    this(cropEdge, thumbnailEdge, DETAIL_SEARCH_PIXELS);
  }

  ReportCrops(int cropEdge, int thumbnailEdge, long detailSearchPixels) {
    if (cropEdge < 8 || thumbnailEdge < 8) {
      throw new IllegalArgumentException("crop and thumbnail edges must be >= 8 pixels");
    }
    this.cropEdge = cropEdge;
    this.thumbnailEdge = thumbnailEdge;
    this.detailSearchPixels = detailSearchPixels;
  }

  /** The encoded images and where the crop lies in the output (output pixels). */
  public static final class Result {
    public final byte[] modelCropPng;
    public final byte[] bicubicCropPng;
    public final byte[] thumbnailJpeg;
    public final Rect crop;
    public final int outputWidth;
    public final int outputHeight;
    public final int thumbnailWidth;
    public final int thumbnailHeight;

    Result(
        byte[] modelCropPng,
        byte[] bicubicCropPng,
        byte[] thumbnailJpeg,
        Rect crop,
        int outputWidth,
        int outputHeight,
        int thumbnailWidth,
        int thumbnailHeight) {
      this.modelCropPng = modelCropPng;
      this.bicubicCropPng = bicubicCropPng;
      this.thumbnailJpeg = thumbnailJpeg;
      this.crop = crop;
      this.outputWidth = outputWidth;
      this.outputHeight = outputHeight;
      this.thumbnailWidth = thumbnailWidth;
      this.thumbnailHeight = thumbnailHeight;
    }
  }

  /**
   * @param input the decoded input (LR)
   * @param output the enhanced image, {@code scale} times the input's size
   */
  public Result make(Mat input, Mat output, int scale) {
    if (output.cols() != input.cols() * scale || output.rows() != input.rows() * scale) {
      throw new IllegalArgumentException(
          "output "
              + output.cols()
              + "x"
              + output.rows()
              + " is not "
              + scale
              + " x the input "
              + input.cols()
              + "x"
              + input.rows());
    }
    Rect crop = detailCrop(input, output, scale);
    Mat modelCrop = new Mat(output, crop).clone();
    Mat bicubicCrop = bicubicCrop(input, crop, scale);

    double f = Math.min(1.0, (double) thumbnailEdge / Math.max(output.cols(), output.rows()));
    int tw = Math.max(1, (int) Math.round(output.cols() * f));
    int th = Math.max(1, (int) Math.round(output.rows() * f));
    Mat thumb = new Mat();
    opencv_imgproc.resize(output, thumb, new Size(tw, th), 0, 0, opencv_imgproc.INTER_AREA);

    return new Result(
        encode(displayable(modelCrop), ".png", opencv_imgcodecs.IMWRITE_PNG_COMPRESSION, 3),
        encode(displayable(bicubicCrop), ".png", opencv_imgcodecs.IMWRITE_PNG_COMPRESSION, 3),
        encode(displayable(thumb), ".jpg", opencv_imgcodecs.IMWRITE_JPEG_QUALITY, 85),
        crop,
        output.cols(),
        output.rows(),
        tw,
        th);
  }

  /**
   * The output rectangle of about cropEdge pixels over the input window with the most gradient
   * energy.
   */
  Rect detailCrop(Mat input, Mat output, int scale) {
    int cw = Math.min(cropEdge, output.cols());
    int ch = Math.min(cropEdge, output.rows());
    int ww = Math.max(1, Math.min(input.cols(), (cw + scale - 1) / scale));
    int wh = Math.max(1, Math.min(input.rows(), (ch + scale - 1) / scale));

    Mat grey = grey8(input);
    double f = 1.0;
    long pixels = (long) input.cols() * input.rows();
    if (pixels > detailSearchPixels) {
      f = Math.sqrt((double) detailSearchPixels / pixels);
      Mat small = new Mat();
      opencv_imgproc.resize(
          grey,
          small,
          new Size(
              Math.max(1, (int) Math.round(input.cols() * f)),
              Math.max(1, (int) Math.round(input.rows() * f))),
          0,
          0,
          opencv_imgproc.INTER_AREA);
      grey = small;
    }
    int sw = Math.max(1, Math.min(grey.cols(), (int) Math.round(ww * f)));
    int sh = Math.max(1, Math.min(grey.rows(), (int) Math.round(wh * f)));
    Mat dx = new Mat();
    Mat dy = new Mat();
    opencv_imgproc.Sobel(grey, dx, CV_32F, 1, 0);
    opencv_imgproc.Sobel(grey, dy, CV_32F, 0, 1);
    Mat energy = new Mat();
    opencv_core.add(opencv_core.abs(dx).asMat(), opencv_core.abs(dy).asMat(), energy);
    Mat sums = new Mat();
    opencv_imgproc.integral(energy, sums, CV_64F);

    int bestX = 0;
    int bestY = 0;
    double best = -1;
    // A stride of a quarter window finds the region well enough and keeps huge scans cheap.
    int step = Math.max(1, Math.min(sw, sh) / 4);
    try (DoubleIndexer s = sums.createIndexer()) {
      for (int y = 0; y + sh <= grey.rows(); y += step) {
        for (int x = 0; x + sw <= grey.cols(); x += step) {
          double e = s.get(y + sh, x + sw) - s.get(y, x + sw) - s.get(y + sh, x) + s.get(y, x);
          if (e > best) {
            best = e;
            bestX = x;
            bestY = y;
          }
        }
      }
    }
    int x0 = Math.min((int) Math.round(bestX / f) * scale, output.cols() - cw);
    int y0 = Math.min((int) Math.round(bestY / f) * scale, output.rows() - ch);
    return new Rect(x0, y0, cw, ch);
  }

  /**
   * The crop's region of a bicubic upscale of the input, resizing only the region plus a margin.
   */
  private static Mat bicubicCrop(Mat input, Rect crop, int scale) {
    int lx0 = Math.max(0, crop.x() / scale - MARGIN);
    int ly0 = Math.max(0, crop.y() / scale - MARGIN);
    int lx1 = Math.min(input.cols(), (crop.x() + crop.width() + scale - 1) / scale + MARGIN);
    int ly1 = Math.min(input.rows(), (crop.y() + crop.height() + scale - 1) / scale + MARGIN);
    Mat region = new Mat(input, new Rect(lx0, ly0, lx1 - lx0, ly1 - ly0));
    Mat up = new Mat();
    opencv_imgproc.resize(
        region,
        up,
        new Size((lx1 - lx0) * scale, (ly1 - ly0) * scale),
        0,
        0,
        opencv_imgproc.INTER_CUBIC);
    return new Mat(
            up,
            new Rect(crop.x() - lx0 * scale, crop.y() - ly0 * scale, crop.width(), crop.height()))
        .clone();
  }

  private static Mat grey8(Mat img) {
    Mat g = img;
    if (img.channels() == 3) {
      g = new Mat();
      opencv_imgproc.cvtColor(img, g, opencv_imgproc.COLOR_BGR2GRAY);
    } else if (img.channels() == 4) {
      g = new Mat();
      opencv_imgproc.cvtColor(img, g, opencv_imgproc.COLOR_BGRA2GRAY);
    }
    if (g.depth() == CV_16U) {
      Mat g8 = new Mat();
      g.convertTo(g8, CV_8U, 1.0 / 257.0, 0);
      g = g8;
    }
    return g;
  }

  /** 8 bits, grey or BGR; alpha flattened onto white. */
  static Mat displayable(Mat img) {
    Mat m = img;
    if (m.depth() == CV_16U) {
      Mat m8 = new Mat();
      m.convertTo(m8, CV_8U, 1.0 / 257.0, 0);
      m = m8;
    }
    if (m.channels() != 4) {
      return m;
    }
    MatVector planes = new MatVector();
    opencv_core.split(m, planes);
    Mat alpha = new Mat();
    planes.get(3).convertTo(alpha, CV_32F, 1.0 / 255.0, 0);
    Mat inverse = new Mat();
    opencv_core.subtract(Mat.ones(alpha.size(), CV_32F).asMat(), alpha, inverse);
    Mat white = new Mat();
    inverse.convertTo(white, CV_32F, 255.0, 0);
    MatVector out = new MatVector();
    for (int i = 0; i < 3; i++) {
      Mat c = new Mat();
      planes.get(i).convertTo(c, CV_32F);
      Mat blended = new Mat();
      opencv_core.multiply(c, alpha, blended);
      opencv_core.add(blended, white, blended);
      Mat c8 = new Mat();
      blended.convertTo(c8, CV_8U);
      out.push_back(c8);
    }
    Mat bgr = new Mat();
    opencv_core.merge(out, bgr);
    return bgr;
  }

  private static byte[] encode(Mat img, String ext, int param, int value) {
    BytePointer buf = new BytePointer();
    if (!opencv_imgcodecs.imencode(ext, img, buf, new IntPointer(param, value))) {
      throw new EngineException(FailureKind.ENCODE, "cannot encode the report's " + ext + " image");
    }
    byte[] bytes = new byte[(int) buf.limit()];
    buf.get(bytes);
    buf.close();
    return bytes;
  }
}
