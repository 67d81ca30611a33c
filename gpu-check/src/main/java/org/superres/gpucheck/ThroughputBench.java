package org.superres.gpucheck;

import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.superres.engine.Device;
import org.superres.engine.Precision;
import org.superres.samples.SampleImages;

/**
 * Input megapixels per second of one network on one device, precision and tile, on a fresh network
 * each time, so that the device memory its first forward takes is that tile's alone; and whether
 * that memory grows over the timed forwards.
 */
final class ThroughputBench {
  private ThroughputBench() {}

  /**
   * @param seconds how long the timed forwards last at least (after one untimed first forward); 0
   *     times one forward
   */
  static CheckReport.Throughput measure(
      Network network, Device device, Precision precision, int tile, double seconds) {
    Mat in = SampleImages.scene(tile, tile, 7);
    Double before = GpuMemory.usedMib(device);
    CheckReport.Throughput t = new CheckReport.Throughput();
    t.network = network.name();
    t.device = device.toString();
    t.precision = precision.name().toLowerCase(Locale.ROOT);
    t.tile = tile;
    try (Network.Run run = network.open(device, precision)) {
      run.forward(in).close(); // pays lazy set-up (CUDA: cuDNN, kernels, workspace)
      Double afterFirst = GpuMemory.usedMib(device);
      long budget = (long) (seconds * 1e9);
      long t0 = System.nanoTime();
      long elapsed;
      int n = 0;
      do {
        run.forward(in).close();
        n++;
        elapsed = System.nanoTime() - t0;
      } while (elapsed < budget || n < (seconds > 0 ? 2 : 1));
      t.forwards = n;
      t.inputMpPerS = n * (double) tile * tile / 1e6 / (elapsed / 1e9);
      t.gpuMemoryMib = GpuMemory.difference(afterFirst, before);
      t.gpuMemoryGrowthMib = GpuMemory.difference(GpuMemory.usedMib(device), afterFirst);
    }
    double flops = network.flopsPerInputPixel();
    t.tflopPerS = Double.isNaN(flops) ? null : t.inputMpPerS * 1e6 * flops / 1e12;
    return t;
  }
}
