package org.superres.gpucheck;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The check's figures for people: one section per step, printed as soon as it is measured. */
final class TablePrinter {
  private final PrintStream out;

  TablePrinter(PrintStream out) {
    this.out = out;
  }

  void node(CheckReport.Node n) {
    line("jar", n.jar);
    line(
        "driver",
        n.driverVersion != null ? n.driverVersion : "none (no /proc/driver/nvidia/version)");
    if (!n.nativesLoaded) {
      line("natives", "FAILED: " + n.nativesError);
      line("device found", "none (the natives did not load)");
      line("backend used", "none: the job would fail at executor start with the error above");
      return;
    }
    line("natives", "loaded");
    if (n.gpuBuild) {
      line("opencv built with", "CUDA " + n.opencvCuda + "; cuDNN " + n.opencvCudnn);
      line(
          "cuda libraries",
          n.cudaLibraries.isEmpty() ? "none mapped" : String.join(", ", n.cudaLibraries));
      line("cuda runtime", n.cudaRuntimeVersion != null ? n.cudaRuntimeVersion : "unknown");
    }
    if (n.gpus.isEmpty()) {
      line("device found", "NO GPU: " + n.autoChoice);
      line(
          "backend used",
          n.device
              + " ("
              + n.backend
              + "); fp16 runs only on CUDA, so fp16 figures are not measured here");
    } else {
      for (CheckReport.Gpu g : n.gpus) {
        line("device found", NodeProbe.gpuLine(g));
      }
      line("backend used", n.device + " (" + n.backend + ")");
      line("device.backend=auto on this node", n.autoChoice);
    }
  }

  void throughput(String network, List<CheckReport.Throughput> rows) {
    section(
        network
            + ": throughput in input megapixels/s; GPU MiB = device memory the first forward of a"
            + " fresh network took");
    Table t = new Table("device", "precision", "tile", "MP/s", "TFLOP/s", "GPU MiB", "growth MiB");
    for (CheckReport.Throughput r : rows) {
      t.row(
          r.device,
          r.precision,
          r.tile + "x" + r.tile,
          number(r.inputMpPerS),
          r.tflopPerS == null ? "n/a" : number(r.tflopPerS),
          r.gpuMemoryMib == null ? "n/a" : String.format(Locale.ROOT, "%.0f", r.gpuMemoryMib),
          r.gpuMemoryGrowthMib == null
              ? "n/a"
              : String.format(Locale.ROOT, "%.0f", r.gpuMemoryGrowthMib));
    }
    t.print(out);
  }

  void correctness(String network, List<CheckReport.Correctness> rows) {
    section(network + ": GPU output against the CPU's (fp32) on the same tile");
    Table t = new Table("device", "precision", "tile", "PSNR dB", "max abs diff", "verdict");
    for (CheckReport.Correctness r : rows) {
      t.row(
          r.device,
          r.precision,
          r.tile + "x" + r.tile,
          r.psnrDb == null ? "identical" : String.format(Locale.ROOT, "%.1f", r.psnrDb),
          String.format(Locale.ROOT, "%.4g of %.4g", r.maxAbsDiff, r.peak),
          (r.pass ? "ok" : "FAIL")
              + String.format(Locale.ROOT, " (needs >= %.0f dB)", r.thresholdDb));
    }
    t.print(out);
  }

  void loadCost(CheckReport.LoadCost c) {
    section(
        String.format(
            Locale.ROOT,
            "model load: %s on %s, %d images %dx%d",
            c.model,
            c.device,
            c.images,
            c.imageSide,
            c.imageSide));
    new Table(
            "load ms", "warm-up ms", "ms/image loaded once", "ms/image, a load per image", "ratio")
        .row(
            Long.toString(c.loadMs),
            Long.toString(c.warmupMs),
            number(c.msPerImageLoadedOnce),
            number(c.msPerImageWithLoad),
            String.format(Locale.ROOT, "%.1fx", c.ratio))
        .print(out);
  }

  void pipeline(CheckReport.Pipeline p) {
    section(
        String.format(
            Locale.ROOT,
            "whole path: %s on %s %s, %s, tile %d overlap %d; median ms per image",
            p.model,
            p.device,
            p.precision,
            p.images,
            p.tile,
            p.overlap));
    new Table("decode ms", "upscale ms", "encode ms")
        .row(number(p.decodeMs), number(p.upscaleMs), number(p.encodeMs))
        .print(out);
    Table sharing = new Table("tasks sharing one network", "images/s", "input MP/s", "speed-up");
    for (CheckReport.Sharing s : p.sharing) {
      sharing.row(
          Integer.toString(s.tasks),
          number(s.imagesPerS),
          number(s.inputMpPerS),
          String.format(Locale.ROOT, "%.2fx", s.speedup));
    }
    sharing.print(out);
    if (p.recommendedTasksPerGpu != null) {
      line(
          "recommended tasks per GPU",
          p.recommendedTasksPerGpu
              + ": spark.task.resource.gpu.amount="
              + p.sparkTaskGpuAmount
              + ", spark.executor.cores="
              + p.recommendedTasksPerGpu
              + " (1 + (decode + encode) / upscale, rounded up)");
    } else {
      line("recommended tasks per GPU", "n/a (no GPU)");
    }
  }

  void verdict(CheckReport r) {
    out.println();
    for (String w : r.warnings) {
      out.println("WARN: " + w);
    }
    for (String f : r.failures) {
      out.println("FAIL: " + f);
    }
    CheckReport.Node n = r.node;
    if (n.nativesLoaded && n.gpus.isEmpty()) {
      out.println("NO GPU: " + n.autoChoice + ". The figures above are CPU figures.");
    } else if (n.nativesLoaded && r.failures.isEmpty()) {
      out.println("OK: measured on " + n.device + "; every check passed.");
    }
  }

  private void section(String title) {
    out.println();
    out.println("== " + title);
  }

  private void line(String what, String value) {
    out.println(what + ": " + value);
  }

  /** About three significant digits, no exponent above 0.0001. */
  static String number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return String.valueOf(v);
    }
    double a = Math.abs(v);
    String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : a >= 0.01 ? "%.3f" : "%.2g";
    return String.format(Locale.ROOT, f, v);
  }
}
