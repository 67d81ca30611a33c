package org.superres.samples;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_COMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Draws the sample archive the README runs on (no third-party pictures): a typed page, line art, a
 * photo-like scene, a grayscale print and a logo with transparency. Deterministic for a given seed.
 */
public final class SampleImages {
  private SampleImages() {}

  public static void main(String[] args) throws Exception {
    Path dir = Paths.get(args.length > 0 ? args[0] : "job/samples");
    Files.createDirectories(dir);
    write(dir.resolve("letter-page.png"), textPage(360, 480, 1));
    write(dir.resolve("line-art.png"), lineArt(400, 300, 2));
    write(dir.resolve("scene.jpg"), scene(480, 320, 3));
    write(dir.resolve("grayscale-print.png"), grey(scene(320, 240, 4)));
    write(dir.resolve("logo-alpha.png"), logoWithAlpha(240, 160));
  }

  static void write(Path p, Mat m) {
    if (!opencv_imgcodecs.imwrite(p.toString(), m)) {
      throw new IllegalStateException("cannot write " + p);
    }
  }

  /** Typed text on slightly uneven paper. */
  public static Mat textPage(int w, int h, long seed) {
    Random r = new Random(seed);
    Mat m = new Mat(h, w, CV_8UC3, new Scalar(222, 232, 238, 0));
    noise(m, r, 6);
    String[] words = {
      "The",
      "archive",
      "holds",
      "letters",
      "maps",
      "and",
      "ledgers",
      "of",
      "1887",
      "river",
      "trade",
      "signed",
      "clerk",
      "received",
      "parcel",
      "No.",
      "42",
      "with",
      "thanks"
    };
    int y = 30;
    opencv_imgproc.putText(
        m,
        "Harbour Office, 3 March 1887",
        new Point(20, y),
        FONT_HERSHEY_COMPLEX,
        0.55,
        new Scalar(60, 40, 30, 0),
        1,
        LINE_AA,
        false);
    for (y = 60; y < h - 20; y += 22) {
      StringBuilder line = new StringBuilder();
      while (line.length() < 34) {
        line.append(words[r.nextInt(words.length)]).append(' ');
      }
      opencv_imgproc.putText(
          m,
          line.toString().trim(),
          new Point(20, y),
          FONT_HERSHEY_SIMPLEX,
          0.45,
          new Scalar(40, 30, 25, 0),
          1,
          LINE_AA,
          false);
    }
    return m;
  }

  /** Ink drawing: circles, a grid, hatching and curves. */
  public static Mat lineArt(int w, int h, long seed) {
    Random r = new Random(seed);
    Mat m = new Mat(h, w, CV_8UC3, new Scalar(250, 250, 250, 0));
    Scalar ink = new Scalar(20, 20, 20, 0);
    for (int x = 0; x < w; x += 25) {
      opencv_imgproc.line(
          m, new Point(x, 0), new Point(x, h), new Scalar(200, 200, 200, 0), 1, LINE_AA, 0);
    }
    for (int i = 0; i < 12; i++) {
      opencv_imgproc.circle(
          m,
          new Point(r.nextInt(w), r.nextInt(h)),
          10 + r.nextInt(50),
          ink,
          1 + r.nextInt(2),
          LINE_AA,
          0);
    }
    for (int i = 0; i < 40; i++) {
      int x = 30 + i * 4;
      opencv_imgproc.line(m, new Point(x, h - 80), new Point(x + 30, h - 20), ink, 1, LINE_AA, 0);
    }
    for (int i = 0; i < 6; i++) {
      opencv_imgproc.ellipse(
          m,
          new Point(w / 2, h / 2),
          new Size(40 + 15 * i, 20 + 8 * i),
          15 * i,
          0,
          300,
          ink,
          1,
          LINE_AA,
          0);
    }
    return m;
  }

  /** A photo-like scene: sky gradient, hills, sun, textured ground, soft blur and sensor noise. */
  public static Mat scene(int w, int h, long seed) {
    Random r = new Random(seed);
    Mat m = new Mat(h, w, CV_8UC3);
    org.bytedeco.javacpp.indexer.UByteIndexer ix = m.createIndexer();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double t = (double) y / h;
        double hill = h * (0.55 + 0.08 * Math.sin(x * 0.02 + seed) + 0.04 * Math.sin(x * 0.07));
        boolean ground = y > hill;
        double tex = ground ? 25 * Math.sin(x * 0.3 + y * 0.15) * Math.cos(y * 0.21) : 0;
        ix.put(y, x, 0, clamp(ground ? 40 + tex : 230 - 90 * t));
        ix.put(y, x, 1, clamp(ground ? 110 + tex + 30 * (y - hill) / h : 180 - 60 * t));
        ix.put(y, x, 2, clamp(ground ? 70 + tex : 120 - 40 * t));
      }
    }
    ix.release();
    opencv_imgproc.circle(
        m, new Point(w * 3 / 4, h / 5), h / 10, new Scalar(120, 230, 255, 0), -1, LINE_AA, 0);
    for (int i = 0; i < 25; i++) {
      int x = r.nextInt(w);
      int y = (int) (h * 0.62) + r.nextInt(h / 3);
      opencv_imgproc.rectangle(
          m,
          new Point(x, y),
          new Point(x + 6 + r.nextInt(12), y - 20 - r.nextInt(30)),
          new Scalar(30, 60 + r.nextInt(60), 40, 0),
          -1,
          LINE_AA,
          0);
    }
    opencv_imgproc.GaussianBlur(m, m, new Size(3, 3), 0.8);
    noise(m, r, 4);
    return m;
  }

  public static Mat grey(Mat bgr) {
    Mat g = new Mat();
    opencv_imgproc.cvtColor(bgr, g, opencv_imgproc.COLOR_BGR2GRAY);
    return g;
  }

  /** A round badge with text on a transparent background, soft (anti-aliased) alpha edges. */
  public static Mat logoWithAlpha(int w, int h) {
    Mat colour = new Mat(h, w, CV_8UC3, new Scalar(0, 0, 0, 0));
    Mat alpha = new Mat(h, w, CV_8UC1, new Scalar(0));
    Point c = new Point(w / 2, h / 2);
    opencv_imgproc.circle(colour, c, h / 2 - 8, new Scalar(40, 90, 200, 0), -1, LINE_AA, 0);
    opencv_imgproc.circle(alpha, c, h / 2 - 8, new Scalar(255), -1, LINE_AA, 0);
    opencv_imgproc.putText(
        colour,
        "ARCHIV",
        new Point(w / 2 - 58, h / 2 + 10),
        FONT_HERSHEY_SIMPLEX,
        0.9,
        new Scalar(250, 250, 250, 0),
        2,
        LINE_AA,
        false);
    Mat bgra = new Mat(h, w, CV_8UC4);
    opencv_core.merge(
        new org.bytedeco.opencv.opencv_core.MatVector(
            channel(colour, 0), channel(colour, 1), channel(colour, 2), alpha),
        bgra);
    return bgra;
  }

  private static Mat channel(Mat m, int i) {
    Mat c = new Mat();
    opencv_core.extractChannel(m, c, i);
    return c;
  }

  private static void noise(Mat m, Random r, double sigma) {
    opencv_core.theRNG().state(r.nextLong());
    Mat n = new Mat(m.size(), opencv_core.CV_16SC(m.channels()));
    opencv_core.randn(
        n,
        new Mat(1, 1, opencv_core.CV_64F, new Scalar(0)),
        new Mat(1, 1, opencv_core.CV_64F, new Scalar(sigma)));
    Mat f = new Mat();
    m.convertTo(f, n.type());
    opencv_core.add(f, n, f);
    f.convertTo(m, m.type());
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }
}
