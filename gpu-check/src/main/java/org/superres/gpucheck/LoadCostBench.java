package org.superres.gpucheck;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.superres.engine.Device;
import org.superres.engine.Precision;
import org.superres.engine.SuperResNet;
import org.superres.samples.SampleImages;

/**
 * The design's reason to exist: a network loaded once per executor and GPU, against the original
 * single-image service, which loaded the model for every image (and paid CUDA's lazy set-up with
 * it).
 */
final class LoadCostBench {
  private LoadCostBench() {}

  static CheckReport.LoadCost measure(ModelNetwork model, Device device, int images, int side) {
    List<Mat> inputs = new ArrayList<>();
    for (int i = 0; i < images; i++) {
      inputs.add(SampleImages.scene(side, side, 100 + i));
    }
    CheckReport.LoadCost c = new CheckReport.LoadCost();
    c.model = model.name();
    c.device = device.toString();
    c.images = images;
    c.imageSide = side;
    try (SuperResNet once = SuperResNet.load(model.spec(), model.file(), device, Precision.FP32)) {
      c.loadMs = once.loadMillis();
      c.warmupMs = once.warmUp();
      long t0 = System.nanoTime();
      for (Mat in : inputs) {
        once.upsample(in).close();
      }
      c.msPerImageLoadedOnce = (System.nanoTime() - t0) / 1e6 / images;
    }
    long t0 = System.nanoTime();
    for (Mat in : inputs) {
      try (SuperResNet each =
          SuperResNet.load(model.spec(), model.file(), device, Precision.FP32)) {
        each.upsample(in).close();
      }
    }
    c.msPerImageWithLoad = (System.nanoTime() - t0) / 1e6 / images;
    c.ratio = c.msPerImageWithLoad / c.msPerImageLoadedOnce;
    return c;
  }
}
