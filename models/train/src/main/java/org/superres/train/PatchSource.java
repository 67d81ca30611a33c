package org.superres.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.superres.eval.Images;
import org.superres.eval.MatlabImresize;

/**
 * Training pairs: every training image (optionally at several extra scales) is cropped to a
 * multiple of the SR scale and downscaled once, as a whole, with MATLAB bicubic; a producer thread
 * then cuts matching random LR/HR patches with random flips and 90-degree rotations and queues
 * ready batches (mean-subtracted BGR floats, NHWC).
 */
public final class PatchSource implements AutoCloseable {

  /** One batch: LR {@code n x p x p x 3} and HR {@code n x ps x ps x 3}, float NHWC. */
  public static final class Batch {
    public final float[] lr;
    public final float[] hr;

    Batch(float[] lr, float[] hr) {
      this.lr = lr;
      this.hr = hr;
    }
  }

  private static final class Pair {
    final byte[] lr;
    final byte[] hr;
    final int lh;
    final int lw;

    Pair(byte[] lr, byte[] hr, int lh, int lw) {
      this.lr = lr;
      this.hr = hr;
      this.lh = lh;
      this.lw = lw;
    }
  }

  private final int scale;
  private final int patch;
  private final int batchSize;
  private final List<Pair> pairs = new ArrayList<>();
  private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(8);
  private final Thread producer;
  private volatile boolean stop;
  private volatile Throwable failure;

  public PatchSource(
      Path trainDir, int scale, int patch, int batchSize, double[] extraScales, long seed)
      throws IOException {
    this.scale = scale;
    this.patch = patch;
    this.batchSize = batchSize;
    List<Path> files;
    try (Stream<Path> s = Files.walk(trainDir)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(
                  p -> {
                    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    return n.endsWith(".png")
                        || n.endsWith(".jpg")
                        || n.endsWith(".jpeg")
                        || n.endsWith(".bmp");
                  })
              .sorted()
              .collect(Collectors.toList());
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no training images under " + trainDir);
    }
    for (Path f : files) {
      Mat img = Images.readBgr(f);
      addPair(img);
      for (double s : extraScales) {
        double[] d = Images.toDoubles(img);
        int oh = MatlabImresize.outputLength(img.rows(), s);
        int ow = MatlabImresize.outputLength(img.cols(), s);
        double[] r = MatlabImresize.resize(d, img.rows(), img.cols(), 3, oh, ow, s, s, true);
        addPair(Images.fromDoubles(r, oh, ow));
      }
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    producer = new Thread(() -> produce(rnd), "patch-producer");
    producer.setDaemon(true);
    producer.start();
  }

  private void addPair(Mat img) {
    Mat hr = Images.modcrop(img, scale);
    if (hr.rows() < patch * scale || hr.cols() < patch * scale) {
      return;
    }
    Mat lr = Images.downscale(hr, scale);
    byte[] h = new byte[hr.rows() * hr.cols() * 3];
    hr.data().get(h);
    byte[] l = new byte[lr.rows() * lr.cols() * 3];
    lr.data().get(l);
    pairs.add(new Pair(l, h, lr.rows(), lr.cols()));
  }

  public int imageCount() {
    return pairs.size();
  }

  private void produce(SplittableRandom rnd) {
    try {
      while (!stop) {
        Batch b = makeBatch(rnd);
        while (!stop && !queue.offer(b, 200, TimeUnit.MILLISECONDS)) {
          // wait for the trainer
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      failure = t;
    }
  }

  private Batch makeBatch(SplittableRandom rnd) {
    int p = patch;
    int hp = patch * scale;
    float[] lr = new float[batchSize * p * p * 3];
    float[] hr = new float[batchSize * hp * hp * 3];
    for (int i = 0; i < batchSize; i++) {
      Pair pr = pairs.get(rnd.nextInt(pairs.size()));
      int y = rnd.nextInt(pr.lh - p + 1);
      int x = rnd.nextInt(pr.lw - p + 1);
      int t = rnd.nextInt(8); // bit0: horizontal flip, bits1-2: number of 90-degree rotations
      copyPatch(pr.lr, pr.lw, y, x, p, t, lr, i * p * p * 3);
      copyPatch(pr.hr, pr.lw * scale, y * scale, x * scale, hp, t, hr, i * hp * hp * 3);
    }
    return new Batch(lr, hr);
  }

  /**
   * Copies a {@code size x size} patch at (y0, x0), transformed by {@code t}, minus the mean, into
   * dst.
   */
  static void copyPatch(
      byte[] src, int srcW, int y0, int x0, int size, int t, float[] dst, int off) {
    boolean flip = (t & 1) != 0;
    int rot = t >> 1;
    int last = size - 1;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        // destination (y, x) takes source (sy, sx) of the transformed patch
        int sy;
        int sx;
        switch (rot) {
          case 1:
            sy = x;
            sx = last - y;
            break;
          case 2:
            sy = last - y;
            sx = last - x;
            break;
          case 3:
            sy = last - x;
            sx = y;
            break;
          default:
            sy = y;
            sx = x;
            break;
        }
        if (flip) {
          sx = last - sx;
        }
        int si = ((y0 + sy) * srcW + (x0 + sx)) * 3;
        int di = off + (y * size + x) * 3;
        for (int c = 0; c < 3; c++) {
          dst[di + c] = (src[si + c] & 0xff) - EdsrGraph.MEAN_BGR[c];
        }
      }
    }
  }

  /** Next ready batch (blocks until the producer has one). */
  public Batch next() throws InterruptedException {
    while (true) {
      if (failure != null) {
        throw new IllegalStateException("patch producer failed", failure);
      }
      Batch b = queue.poll(1, TimeUnit.SECONDS);
      if (b != null) {
        return b;
      }
    }
  }

  @Override
  public void close() {
    stop = true;
    producer.interrupt();
  }
}
