package org.superres.gpucheck;

import java.nio.file.Path;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.superres.engine.Device;
import org.superres.engine.Div2kMean;
import org.superres.engine.DnnTarget;
import org.superres.engine.Precision;

/**
 * The official EDSR x3's size (see {@link EdsrSizeGraph}) as a plain OpenCV net on a
 * mean-subtracted BGR blob: what a full-size model costs on this GPU, without its 150 MB file.
 */
final class EdsrSizeNetwork implements Network {
  private final EdsrSizeGraph graph;
  private final Path cfg;
  private final Path weights;

  EdsrSizeNetwork(EdsrSizeGraph graph, Path work) {
    this.graph = graph;
    Path[] files = graph.write(work, 1);
    this.cfg = files[0];
    this.weights = files[1];
  }

  @Override
  public String name() {
    return "edsr-size " + graph.blocks() + "x" + graph.feats();
  }

  @Override
  public double flopsPerInputPixel() {
    return 2.0 * graph.macsPerInputPixel();
  }

  @Override
  public double outputPeak() {
    return Double.NaN;
  }

  @Override
  public int cpuTile() {
    return 32;
  }

  @Override
  public Run open(Device device, Precision precision) {
    selectCudaDevice(device);
    Net net = opencv_dnn.readNetFromDarknet(cfg.toString(), weights.toString());
    DnnTarget.of(device, precision).applyTo(net);
    return new Run() {
      @Override
      public Mat forward(Mat bgr8) {
        selectCudaDevice(device);
        net.setInput(
            opencv_dnn.blobFromImage(
                bgr8, 1.0, new Size(), Div2kMean.bgr(), false, false, opencv_core.CV_32F));
        return net.forward().clone();
      }

      @Override
      public void close() {
        net.close();
      }
    };
  }

  /** CUDA's current device is per thread. */
  private static void selectCudaDevice(Device device) {
    if (device.isCuda()) {
      opencv_core.setDevice(device.cudaIndex());
    }
  }
}
