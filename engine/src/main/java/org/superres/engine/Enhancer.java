package org.superres.engine;

import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;

import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;

/**
 * Applies a network to any supported pixel layout: the colour goes through the model (grey as BGR,
 * then back to grey), alpha is upscaled bicubically on its own (a row of tiles at a time, as the
 * streamed path does) and merged back, and 16-bit images run the graph in float so that the output
 * keeps 16 bits. The whole image in memory: {@link EnhanceToFile} streams it instead.
 */
public final class Enhancer {
  private final SuperResNet net;
  private final TiledUpscaler tiler;

  public Enhancer(SuperResNet net, TiledUpscaler tiler) {
    this.net = net;
    this.tiler = tiler;
  }

  public TiledUpscaler.Result enhance(Mat pixels) {
    int channels = pixels.channels();
    int scale = net.spec().scale();
    Mat colour = pixels;
    Mat alpha = null;
    if (channels == 1) {
      colour = convert(pixels, opencv_imgproc.COLOR_GRAY2BGR);
    } else if (channels == 4) {
      MatVector planes = new MatVector();
      opencv_core.split(pixels, planes);
      alpha = planes.get(3);
      colour = new Mat();
      opencv_core.merge(new MatVector(planes.get(0), planes.get(1), planes.get(2)), colour);
    } else if (channels != 3) {
      throw new EngineException(
          FailureKind.UNSUPPORTED, channels + "-channel images are not supported");
    }

    TiledUpscaler.Result up =
        pixels.depth() == CV_16U
            ? upscale16(colour, scale)
            : tiler.upscale(colour, scale, net::upsample);
    Mat result = up.image;
    if (channels == 1) {
      result = convert(result, opencv_imgproc.COLOR_BGR2GRAY);
    } else if (alpha != null) {
      Mat bigAlpha = StripEnhancer.upscaleAlpha(alpha, tiler, scale);
      MatVector planes = new MatVector();
      opencv_core.split(result, planes);
      planes.push_back(bigAlpha);
      result = new Mat();
      opencv_core.merge(planes, result);
    }
    return new TiledUpscaler.Result(result, up.tiles);
  }

  /**
   * 16-bit: scale to float 0..255 (fractions keep the extra precision), run in float, back to 16
   * bits.
   */
  private TiledUpscaler.Result upscale16(Mat colour16, int scale) {
    Mat f = new Mat();
    colour16.convertTo(f, CV_32F, 1.0 / 257.0, 0);
    TiledUpscaler.Result up = tiler.upscale(f, scale, net::upsampleFloat);
    Mat out16 = new Mat();
    up.image.convertTo(out16, CV_16U, 257.0, 0);
    return new TiledUpscaler.Result(out16, up.tiles);
  }

  private static Mat convert(Mat src, int code) {
    Mat dst = new Mat();
    opencv_imgproc.cvtColor(src, dst, code);
    return dst;
  }
}
