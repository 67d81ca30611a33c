package org.superres.engine;

import java.util.function.UnaryOperator;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * Upscales an image tile by tile: each tile of {@code tile} LR pixels is given at least {@code
 * overlap} pixels of context on every side (or the image border), upscaled, and only its centre is
 * pasted, so seams see the same neighbourhood as the whole image would. Working memory is then
 * bounded by the tile, not the image. With tiling off, or an image that fits in one tile, the
 * operator sees the whole image unchanged.
 */
public final class TiledUpscaler {
  private final int tile;
  private final int overlap;

  public TiledUpscaler(int tile, int overlap) {
    if (tile < 0 || overlap < 0) {
      throw new IllegalArgumentException("tiling.tile and tiling.overlap must be >= 0");
    }
    this.tile = tile;
    this.overlap = overlap;
  }

  /** Result of one upscale: the image and how many tiles it took. */
  public static final class Result {
    public final Mat image;
    public final int tiles;

    Result(Mat image, int tiles) {
      this.image = image;
      this.tiles = tiles;
    }
  }

  int tile() {
    return tile;
  }

  int overlap() {
    return overlap;
  }

  public int tilesFor(int width, int height) {
    if (tile == 0 || (width <= tile && height <= tile)) return 1;
    return ceilDiv(width, tile) * ceilDiv(height, tile);
  }

  public Result upscale(Mat src, int scale, UnaryOperator<Mat> model) {
    int w = src.cols();
    int h = src.rows();
    if (tilesFor(w, h) == 1) {
      return new Result(model.apply(src), 1);
    }
    // Every window has the same size (edge windows are shifted inward rather than clipped), so the
    // network
    // sees one input shape and reuses its buffers: with clipped windows each new shape reallocated
    // them and
    // peak memory grew with the number of distinct edge shapes.
    int winW = Math.min(w, tile + 2 * overlap);
    int winH = Math.min(h, tile + 2 * overlap);
    Mat out = null;
    int tiles = 0;
    for (int y0 = 0; y0 < h; y0 += tile) {
      for (int x0 = 0; x0 < w; x0 += tile) {
        int tw = Math.min(tile, w - x0);
        int th = Math.min(tile, h - y0);
        int ex0 = Math.max(0, Math.min(x0 - overlap, w - winW));
        int ey0 = Math.max(0, Math.min(y0 - overlap, h - winH));
        int ex1 = ex0 + winW;
        int ey1 = ey0 + winH;
        // ROI headers hold a reference to their parent's pixels until closed: closing them
        // explicitly (not
        // leaving them to the GC) is what frees each tile's output as soon as its centre is pasted.
        Mat up;
        try (Mat window = new Mat(src, new Rect(ex0, ey0, ex1 - ex0, ey1 - ey0));
            Mat patch = window.clone()) {
          up = model.apply(patch);
        }
        if (out == null) {
          out = new Mat(h * scale, w * scale, up.type());
        }
        try (Mat centre =
                new Mat(
                    up, new Rect((x0 - ex0) * scale, (y0 - ey0) * scale, tw * scale, th * scale));
            Mat target = new Mat(out, new Rect(x0 * scale, y0 * scale, tw * scale, th * scale))) {
          centre.copyTo(target);
        } finally {
          up.close();
        }
        tiles++;
      }
    }
    return new Result(out, tiles);
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
