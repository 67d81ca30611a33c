package org.superres.engine;

import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;

import java.io.IOException;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * {@link Enhancer}'s work one row of tiles at a time: the input is read as the tiles need it (a
 * tile row plus its context), each row of tiles becomes one full-width output strip, and the strip
 * is handed on and freed. Each tile sees exactly the window {@link TiledUpscaler} gives it, and
 * grey, alpha (bicubic, from the strip's input rows plus a margin) and 16-bit samples are handled
 * as Enhancer does, so the pixels are the same; memory is a few strips, whatever the image size.
 */
final class StripEnhancer {
  /** Where finished output strips go, top to bottom. */
  interface Strips {
    void accept(Mat strip) throws IOException;
  }

  /** Sees every input row once, as it is read (the report's crop takes its input region here). */
  interface InputRows {
    void rows(Mat rows, int y0);
  }

  /**
   * Input rows around a strip that bicubic alpha reads: 4 taps reach 2 rows beyond the strip at
   * scale >= 2; one more for safety.
   */
  private static final int ALPHA_MARGIN = 3;

  private final SuperResNet net;
  private final TiledUpscaler tiler;
  private long readNanos;

  StripEnhancer(SuperResNet net, TiledUpscaler tiler) {
    this.net = net;
    this.tiler = tiler;
  }

  /** Time spent reading input rows (decoding, for streamed inputs). */
  long readNanos() {
    return readNanos;
  }

  /** Upscales {@code src} into {@code out}; returns the number of tiles. */
  int run(RowSource src, Strips out, InputRows seen) throws IOException {
    int w = src.width();
    int h = src.height();
    int type = src.type();
    int channels = opencv_core.CV_MAT_CN(type);
    boolean deep = opencv_core.CV_MAT_DEPTH(type) == CV_16U;
    if (channels != 1 && channels != 3 && channels != 4) {
      throw new EngineException(
          FailureKind.UNSUPPORTED, channels + "-channel images are not supported");
    }
    int scale = net.spec().scale();
    boolean whole = tiler.tilesFor(w, h) == 1;
    int tileW = whole ? w : tiler.tile();
    int tileH = whole ? h : tiler.tile();
    int overlap = whole ? 0 : tiler.overlap();
    int winW = Math.min(w, tileW + 2 * overlap);
    int winH = Math.min(h, tileH + 2 * overlap);
    int margin = channels == 4 ? ALPHA_MARGIN : 0;
    Window buf = new Window(src, seen);
    int tiles = 0;
    try {
      for (int y0 = 0; y0 < h; y0 += tileH) {
        int th = Math.min(tileH, h - y0);
        int ey0 = Math.max(0, Math.min(y0 - overlap, h - winH));
        int ay0 = Math.max(0, y0 - margin);
        int ay1 = Math.min(h, y0 + th + margin);
        buf.cover(Math.min(ey0, ay0), Math.max(ey0 + winH, ay1));
        Mat strip = null;
        for (int x0 = 0; x0 < w; x0 += tileW) {
          int tw = Math.min(tileW, w - x0);
          int ex0 = Math.max(0, Math.min(x0 - overlap, w - winW));
          Mat up;
          try (Mat window = buf.region(ex0, ey0, winW, winH);
              Mat colour = colour(window, channels, deep)) {
            up = deep ? net.upsampleFloat(colour) : net.upsample(colour);
          }
          if (strip == null) {
            strip = new Mat(th * scale, w * scale, up.type());
          }
          try (Mat centre =
                  new Mat(
                      up,
                      new Rect((x0 - ex0) * scale, (y0 - ey0) * scale, tw * scale, th * scale));
              Mat target = new Mat(strip, new Rect(x0 * scale, 0, tw * scale, th * scale))) {
            centre.copyTo(target);
          } finally {
            up.close();
          }
          tiles++;
        }
        try (Mat finished = finish(strip, channels, deep, buf, ay0, ay1, y0, th, scale)) {
          out.accept(finished);
        }
      }
    } finally {
      buf.close();
    }
    return tiles;
  }

  /** What the network takes: BGR, in float 0..255 for 16-bit samples (as Enhancer). */
  private static Mat colour(Mat window, int channels, boolean deep) {
    Mat bgr = new Mat();
    if (channels == 1) {
      opencv_imgproc.cvtColor(window, bgr, opencv_imgproc.COLOR_GRAY2BGR);
    } else if (channels == 4) {
      opencv_imgproc.cvtColor(window, bgr, opencv_imgproc.COLOR_BGRA2BGR);
    } else {
      window.copyTo(bgr);
    }
    if (!deep) return bgr;
    Mat f = new Mat();
    bgr.convertTo(f, CV_32F, 1.0 / 257.0, 0);
    bgr.close();
    return f;
  }

  /** The model's strip in the input's layout: 16 bits back, grey back, alpha merged. */
  private static Mat finish(
      Mat strip, int channels, boolean deep, Window buf, int ay0, int ay1, int y0, int th, int s) {
    Mat m = strip;
    if (deep) {
      Mat m16 = new Mat();
      m.convertTo(m16, CV_16U, 257.0, 0);
      m.close();
      m = m16;
    }
    if (channels == 1) {
      Mat grey = new Mat();
      opencv_imgproc.cvtColor(m, grey, opencv_imgproc.COLOR_BGR2GRAY);
      m.close();
      return grey;
    }
    if (channels != 4) {
      return m;
    }
    Mat alpha;
    try (Mat rows = buf.region(0, ay0, buf.width, ay1 - ay0);
        Mat a = new Mat()) {
      opencv_core.extractChannel(rows, a, 3);
      alpha = alphaStrip(a, ay0, y0, th, s);
    }
    MatVector planes = new MatVector();
    opencv_core.split(m, planes);
    planes.push_back(alpha);
    Mat merged = new Mat();
    opencv_core.merge(planes, merged);
    m.close();
    alpha.close();
    return merged;
  }

  /**
   * Output rows [y0 * s, (y0 + th) * s) of the bicubic upscale of an alpha plane, from its input
   * rows [ay0, ay0 + a.rows()) (the strip plus ALPHA_MARGIN rows each side, or the border).
   * Enhancer upscales alpha through this too, strip by strip: OpenCV computes a row's source
   * position in float from its distance to the top of what it resizes, so a strip and the whole
   * image may differ in the last bit of a 16-bit coefficient; one computation keeps both paths
   * identical.
   */
  static Mat alphaStrip(Mat a, int ay0, int y0, int th, int s) {
    try (Mat big = new Mat()) {
      opencv_imgproc.resize(
          a, big, new Size(a.cols() * s, a.rows() * s), 0, 0, opencv_imgproc.INTER_CUBIC);
      try (Mat mine = new Mat(big, new Rect(0, (y0 - ay0) * s, big.cols(), th * s))) {
        return mine.clone();
      }
    }
  }

  /** The whole alpha plane upscaled as the streamed path does it, strip by strip. */
  static Mat upscaleAlpha(Mat alpha, TiledUpscaler tiler, int s) {
    int w = alpha.cols();
    int h = alpha.rows();
    int tileH = tiler.tilesFor(w, h) == 1 ? h : tiler.tile();
    Mat out = new Mat(h * s, w * s, alpha.type());
    for (int y0 = 0; y0 < h; y0 += tileH) {
      int th = Math.min(tileH, h - y0);
      int ay0 = Math.max(0, y0 - ALPHA_MARGIN);
      int ay1 = Math.min(h, y0 + th + ALPHA_MARGIN);
      try (Mat rows = alpha.rowRange(ay0, ay1);
          Mat strip = alphaStrip(rows, ay0, y0, th, s);
          Mat to = out.rowRange(y0 * s, (y0 + th) * s)) {
        strip.copyTo(to);
      }
    }
    return out;
  }

  /** The input rows [lo, hi) the current strip needs; both ends only move down. */
  private final class Window implements AutoCloseable {
    final RowSource src;
    final InputRows seen;
    final int width;
    Mat rows;
    int lo;
    int hi;

    Window(RowSource src, InputRows seen) {
      this.src = src;
      this.seen = seen;
      this.width = src.width();
    }

    void cover(int newLo, int newHi) throws IOException {
      if (rows != null && newLo == lo && newHi == hi) return;
      Mat next = new Mat(newHi - newLo, width, src.type());
      int keep = rows == null ? 0 : Math.max(0, hi - newLo);
      if (keep > 0) {
        try (Mat from = rows.rowRange(newLo - lo, hi - lo);
            Mat to = next.rowRange(0, keep)) {
          from.copyTo(to);
        }
      }
      int readFrom = rows == null ? newLo : hi;
      if (newHi > readFrom) {
        long t = System.nanoTime();
        try (Mat fresh = src.next(newHi - readFrom);
            Mat to = next.rowRange(readFrom - newLo, newHi - newLo)) {
          readNanos += System.nanoTime() - t;
          fresh.copyTo(to);
          if (seen != null) seen.rows(fresh, readFrom);
        }
      }
      if (rows != null) rows.close();
      rows = next;
      lo = newLo;
      hi = newHi;
    }

    /** A copy of a region, in image coordinates. */
    Mat region(int x, int y, int w, int h) {
      try (Mat roi = new Mat(rows, new Rect(x, y - lo, w, h))) {
        return roi.clone();
      }
    }

    @Override
    public void close() {
      if (rows != null) rows.close();
    }
  }
}
