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
 * What the run report shows of one enhanced image, made as its input rows and output strips pass
 * through the engine ({@link Collector}), or from whole images ({@link #make}): a 1:1 crop of the
 * output where the input has the most detail (highest gradient energy), the same region of a
 * bicubic upscale of the input, and a thumbnail of the whole output. Everything is reduced to 8
 * bits and alpha is flattened onto white, so any browser shows it; crops are PNG (no compression
 * artefacts in a comparison), the thumbnail JPEG.
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
    Collector c = collector(detailCrop(input, output, scale), input.cols(), input.rows(), scale);
    c.input(input, 0);
    c.output(output);
    return c.result();
  }

  /**
   * The output rectangle of about cropEdge pixels over the input window with the most gradient
   * energy.
   */
  Rect detailCrop(Mat input, Mat output, int scale) {
    return detailCrop(input, output.cols(), output.rows(), scale);
  }

  Rect detailCrop(Mat input, int outW, int outH, int scale) {
    Mat grey = grey8(input);
    double f = searchFactor(input.cols(), input.rows());
    if (f < 1.0) {
      Mat small = new Mat();
      opencv_imgproc.resize(
          grey, small, searchSize(input.cols(), input.rows(), f), 0, 0, opencv_imgproc.INTER_AREA);
      grey = small;
    }
    return search(grey, f, input.cols(), input.rows(), outW, outH, scale);
  }

  /**
   * The same choice for an input read as rows (a first pass over a streamed input): the reduced
   * grey copy is assembled strip by strip, so it may differ from a whole-image reduction by a
   * rounding at strip edges, not in which region has the detail.
   */
  Rect detailCrop(RowSource src, int scale) throws java.io.IOException {
    int w = src.width();
    int h = src.height();
    double f = searchFactor(w, h);
    Size size = searchSize(w, h, f);
    Mat grey = new Mat(size.height(), size.width(), CV_8U);
    int step = 256;
    for (int y = 0; y < h; y += step) {
      int n = Math.min(step, h - y);
      int g0 = (int) ((long) y * size.height() / h);
      int g1 = (int) ((long) (y + n) * size.height() / h);
      try (Mat rows = src.next(n)) {
        Mat g = grey8(rows);
        if (g1 > g0) {
          try (Mat to = grey.rowRange(g0, g1)) {
            if (f < 1.0) {
              opencv_imgproc.resize(
                  g, to, new Size(size.width(), g1 - g0), 0, 0, opencv_imgproc.INTER_AREA);
            } else {
              g.copyTo(to);
            }
          }
        }
        if (g != rows) g.close();
      }
    }
    return search(grey, f, w, h, w * scale, h * scale, scale);
  }

  private double searchFactor(int w, int h) {
    long pixels = (long) w * h;
    return pixels > detailSearchPixels ? Math.sqrt((double) detailSearchPixels / pixels) : 1.0;
  }

  private static Size searchSize(int w, int h, double f) {
    return f >= 1.0
        ? new Size(w, h)
        : new Size(Math.max(1, (int) Math.round(w * f)), Math.max(1, (int) Math.round(h * f)));
  }

  private Rect search(Mat grey, double f, int inW, int inH, int outW, int outH, int scale) {
    int cw = Math.min(cropEdge, outW);
    int ch = Math.min(cropEdge, outH);
    int ww = Math.max(1, Math.min(inW, (cw + scale - 1) / scale));
    int wh = Math.max(1, Math.min(inH, (ch + scale - 1) / scale));
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
    int x0 = Math.min((int) Math.round(bestX / f) * scale, outW - cw);
    int y0 = Math.min((int) Math.round(bestY / f) * scale, outH - ch);
    return new Rect(x0, y0, cw, ch);
  }

  /**
   * The report's images made from an output that passes strip by strip: the crop and the input rows
   * it needs are copied as they pass, and the thumbnail is reduced strip by strip.
   */
  Collector collector(Rect crop, int inW, int inH, int scale) {
    return new Collector(crop, inW, inH, scale);
  }

  final class Collector {
    private final Rect crop;
    private final int scale;
    private final int inW;
    private final int inH;
    private final int lx0;
    private final int ly0;
    private final int lx1;
    private final int ly1;
    private final int tw;
    private final int th;
    private Mat input;
    private Mat model;
    private Mat thumb;
    private int outY;
    private RuntimeException failure;

    private Collector(Rect crop, int inW, int inH, int scale) {
      this.crop = crop;
      this.scale = scale;
      this.inW = inW;
      this.inH = inH;
      this.lx0 = Math.max(0, crop.x() / scale - MARGIN);
      this.ly0 = Math.max(0, crop.y() / scale - MARGIN);
      this.lx1 = Math.min(inW, (crop.x() + crop.width() + scale - 1) / scale + MARGIN);
      this.ly1 = Math.min(inH, (crop.y() + crop.height() + scale - 1) / scale + MARGIN);
      int ow = inW * scale;
      int oh = inH * scale;
      double f = Math.min(1.0, (double) thumbnailEdge / Math.max(ow, oh));
      this.tw = Math.max(1, (int) Math.round(ow * f));
      this.th = Math.max(1, (int) Math.round(oh * f));
    }

    /** Input rows [y0, y0 + rows) as they are read. */
    void input(Mat rows, int y0) {
      if (failure != null) return;
      try {
        copyInput(rows, y0);
      } catch (RuntimeException e) {
        failure = e; // the report must never fail the image: result() says what happened
      }
    }

    /** The next output strip (post-processed, as written). */
    void output(Mat strip) {
      if (failure != null) return;
      try {
        copyOutput(strip);
      } catch (RuntimeException e) {
        failure = e;
      }
    }

    private void copyInput(Mat rows, int y0) {
      int a = Math.max(ly0, y0);
      int b = Math.min(ly1, y0 + rows.rows());
      if (a >= b) return;
      if (input == null) input = new Mat(ly1 - ly0, lx1 - lx0, rows.type());
      try (Mat from = new Mat(rows, new Rect(lx0, a - y0, lx1 - lx0, b - a));
          Mat to = new Mat(input, new Rect(0, a - ly0, lx1 - lx0, b - a))) {
        from.copyTo(to);
      }
    }

    private void copyOutput(Mat strip) {
      int y0 = outY;
      int y1 = outY + strip.rows();
      outY = y1;
      int a = Math.max(crop.y(), y0);
      int b = Math.min(crop.y() + crop.height(), y1);
      if (a < b) {
        if (model == null) model = new Mat(crop.height(), crop.width(), strip.type());
        try (Mat from = new Mat(strip, new Rect(crop.x(), a - y0, crop.width(), b - a));
            Mat to = new Mat(model, new Rect(0, a - crop.y(), crop.width(), b - a))) {
          from.copyTo(to);
        }
      }
      long oh = (long) inH * scale;
      int t0 = (int) (y0 * (long) th / oh);
      int t1 = (int) (y1 * (long) th / oh);
      if (t1 > t0) {
        if (thumb == null) thumb = new Mat(th, tw, strip.type());
        try (Mat to = thumb.rowRange(t0, t1)) {
          opencv_imgproc.resize(strip, to, new Size(tw, t1 - t0), 0, 0, opencv_imgproc.INTER_AREA);
        }
      }
    }

    Result result() {
      if (failure != null) throw failure;
      if (input == null || model == null || thumb == null) {
        throw new IllegalStateException("the report's crop region was not seen");
      }
      Mat up = new Mat();
      opencv_imgproc.resize(
          input,
          up,
          new Size((lx1 - lx0) * scale, (ly1 - ly0) * scale),
          0,
          0,
          opencv_imgproc.INTER_CUBIC);
      Mat bicubic =
          new Mat(
                  up,
                  new Rect(
                      crop.x() - lx0 * scale, crop.y() - ly0 * scale, crop.width(), crop.height()))
              .clone();
      return new Result(
          encode(displayable(model), ".png", opencv_imgcodecs.IMWRITE_PNG_COMPRESSION, 3),
          encode(displayable(bicubic), ".png", opencv_imgcodecs.IMWRITE_PNG_COMPRESSION, 3),
          encode(displayable(thumb), ".jpg", opencv_imgcodecs.IMWRITE_JPEG_QUALITY, 85),
          crop,
          inW * scale,
          inH * scale,
          tw,
          th);
    }
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
