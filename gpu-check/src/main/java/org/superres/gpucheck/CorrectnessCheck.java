package org.superres.gpucheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.superres.engine.Device;
import org.superres.engine.Precision;
import org.superres.samples.SampleImages;

/**
 * CUDA output against the CPU's on the same tile: PSNR of fp32 and of fp16. Below 50 dB (fp32) or
 * 40 dB (fp16) the GPU path computes something else than the CPU, which the job's quality figures
 * were measured on.
 */
final class CorrectnessCheck {
  static final double FP32_MIN_DB = 50;
  static final double FP16_MIN_DB = 40;

  private CorrectnessCheck() {}

  static List<CheckReport.Correctness> compare(Network network, Device gpu, int tile) {
    Mat in = SampleImages.scene(tile, tile, 13);
    float[] reference;
    try (Network.Run cpu = network.open(Device.CPU, Precision.FP32)) {
      reference = MatFloats.of(cpu.forward(in));
    }
    List<CheckReport.Correctness> out = new ArrayList<>();
    for (Precision p : Precision.values()) {
      float[] got;
      try (Network.Run run = network.open(gpu, p)) {
        got = MatFloats.of(run.forward(in));
      }
      CheckReport.Correctness c =
          score(
              reference,
              got,
              network.outputPeak(),
              p == Precision.FP16 ? FP16_MIN_DB : FP32_MIN_DB);
      c.network = network.name();
      c.device = gpu.toString();
      c.precision = p.name().toLowerCase(Locale.ROOT);
      c.tile = tile;
      out.add(c);
    }
    return out;
  }

  /**
   * PSNR of got against reference; peak NaN takes the reference's own range (raw outputs). A length
   * mismatch fails: the GPU returned another shape.
   */
  static CheckReport.Correctness score(
      float[] reference, float[] got, double peak, double thresholdDb) {
    CheckReport.Correctness c = new CheckReport.Correctness();
    c.thresholdDb = thresholdDb;
    if (reference.length != got.length || reference.length == 0) {
      c.psnrDb = 0.0;
      c.maxAbsDiff = Double.NaN;
      c.peak = peak;
      c.pass = false;
      return c;
    }
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    double sum = 0;
    double maxDiff = 0;
    for (int i = 0; i < reference.length; i++) {
      double d = (double) got[i] - reference[i];
      sum += d * d;
      maxDiff = Math.max(maxDiff, Math.abs(d));
      min = Math.min(min, reference[i]);
      max = Math.max(max, reference[i]);
    }
    c.peak = Double.isNaN(peak) ? max - min : peak;
    c.maxAbsDiff = maxDiff;
    double mse = sum / reference.length;
    c.psnrDb = mse == 0 ? null : 10 * Math.log10(c.peak * c.peak / mse);
    c.pass = c.psnrDb == null || c.psnrDb >= thresholdDb;
    return c;
  }
}
