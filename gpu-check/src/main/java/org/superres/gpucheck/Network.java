package org.superres.gpucheck;

import org.bytedeco.opencv.opencv_core.Mat;
import org.superres.engine.Device;
import org.superres.engine.Precision;

/** A network the check measures, opened fresh on one device and precision at a time. */
interface Network {
  /** Short name for the tables. */
  String name();

  /** Floating-point operations per input (LR) pixel, from the graph; NaN when unknown. */
  double flopsPerInputPixel();

  /**
   * The range that PSNR is taken against: 255 for 8-bit images; NaN for raw outputs, whose
   * reference's own range is used.
   */
  double outputPeak();

  /** CPU tile for the reference figures (small: the CPU is only the yardstick). */
  int cpuTile();

  Run open(Device device, Precision precision);

  /** One loaded network. */
  interface Run extends AutoCloseable {
    /** One forward pass on 8-bit BGR; the output is the caller's (never reused by the network). */
    Mat forward(Mat bgr8);

    @Override
    void close();
  }
}
