package org.superres.bench;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.bytedeco.opencv.opencv_dnn_superres.DnnSuperResImpl;
import org.superres.engine.Device;
import org.superres.engine.DeviceSelector;
import org.superres.engine.DnnTarget;
import org.superres.engine.Precision;

/**
 * The ceiling: how fast a model could run on this CPU if inference were pure convolution at the
 * speed OpenCV reaches on one large 3x3 layer. FLOPs come from OpenCV's own Net.getFLOPS on the
 * shapes fed.
 */
final class Ceiling {
  private Ceiling() {}

  /**
   * Measured convolution throughput of OpenCV dnn here, FLOP/s: the fastest of {@code repeats}
   * forwards, since a ceiling is what the CPU can do, and other load only ever slows a forward
   * down.
   */
  static double convFlopsPerSecond(int channels, int size, int repeats) {
    DeviceSelector.ensureNativesLoaded();
    byte[] graph = ConvGraph.conv3x3(channels, 7);
    Net net = opencv_dnn.readNetFromTensorflow(new BytePointer(graph), graph.length);
    DnnTarget.of(Device.CPU, Precision.FP32).applyTo(net);
    int[] shape = {1, channels, size, size};
    Mat blob = new Mat(shape.length, shape, opencv_core.CV_32F);
    opencv_core.randu(
        blob,
        new Mat(1, 1, opencv_core.CV_64F, new Scalar(-1)),
        new Mat(1, 1, opencv_core.CV_64F, new Scalar(1)));
    long flops = net.getFLOPS(new IntPointer(shape));
    net.setInput(blob);
    net.forward(); // allocations and kernel selection happen on the first forward
    List<Double> secs = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      long t = System.nanoTime();
      net.setInput(blob);
      net.forward();
      secs.add((System.nanoTime() - t) / 1e9);
    }
    net.close();
    return flops / java.util.Collections.min(secs);
  }

  /**
   * FLOPs per input pixel of a model, for an input of size x size (what the model's graph
   * computes).
   */
  static double flopsPerPixel(BenchModel model, int size) {
    DeviceSelector.ensureNativesLoaded();
    // Creating and reading a DnnSuperResImpl registers the custom layers these graphs need.
    try (DnnSuperResImpl sr = new DnnSuperResImpl()) {
      sr.readModel(model.file.toString());
      Net net = opencv_dnn.readNetFromTensorflow(model.file.toString());
      int channels = model.spec.kind().lumaOnly() ? 1 : 3;
      long flops = net.getFLOPS(new IntPointer(1, channels, size, size));
      net.close();
      return (double) flops / ((double) size * size);
    }
  }
}
