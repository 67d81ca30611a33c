package org.superres.bench;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;

import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.superres.engine.Device;
import org.superres.engine.Enhancer;
import org.superres.engine.Precision;
import org.superres.engine.SuperResNet;
import org.superres.engine.TiledUpscaler;

/**
 * The engine's enhance step (Enhancer + TiledUpscaler) on decoded images, tiled as configured or
 * whole: what tiling costs in inference time for the memory bound it buys (overlap is computed
 * twice).
 */
final class TilingPass implements AutoCloseable {
  private final SuperResNet net;

  TilingPass(BenchModel model) {
    this.net = SuperResNet.load(model.spec, model.file, Device.CPU, Precision.FP32);
    net.warmUp();
  }

  /**
   * Inference only, over already decoded images; returns the pass (infer stage filled) and its tile
   * count.
   */
  PassResult run(List<Mat> images, int tile, int overlap) {
    TiledUpscaler tiler = new TiledUpscaler(tile, overlap);
    Enhancer enhancer = new Enhancer(net, tiler);
    StageTimes st = new StageTimes();
    long pixels = 0;
    int tiles = 0;
    long start = System.nanoTime();
    for (Mat img : images) {
      long t = System.nanoTime();
      TiledUpscaler.Result r = enhancer.enhance(img);
      st.lap("infer", t);
      tiles += r.tiles;
      pixels += (long) img.cols() * img.rows();
      r.image.close();
    }
    PassResult p =
        new PassResult(
            images.size(), pixels, (System.nanoTime() - start) / 1e9, st.perImage(images.size()));
    p.extra.put("tiles", tiles);
    return p;
  }

  static List<Mat> decode(List<Path> files) {
    List<Mat> out = new java.util.ArrayList<>();
    for (Path f : files) {
      out.add(opencv_imgcodecs.imread(f.toString(), IMREAD_UNCHANGED));
    }
    return out;
  }

  @Override
  public void close() {
    net.close();
  }
}
