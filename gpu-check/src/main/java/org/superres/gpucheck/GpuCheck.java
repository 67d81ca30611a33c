package org.superres.gpucheck;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.DeviceInfo;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.superres.engine.Backend;
import org.superres.engine.Device;
import org.superres.engine.DeviceSelector;
import org.superres.engine.EngineException;
import org.superres.engine.ModelKind;
import org.superres.engine.ModelSpec;
import org.superres.engine.Precision;
import org.superres.engine.SuperResNet;
import org.superres.samples.SampleImages;

/**
 * The operators' GPU check (submit/gpu-check.sh): which device this node's jar finds, which backend
 * the job would use, fp32 and fp16 throughput of the bundled model and of an EDSR-sized graph, how
 * far fp16 and the GPU are from fp32 on the CPU, and GPU memory per tile size, so that tiling.tile
 * and executors can be sized. Needs no Spark. Exit codes: 0 checked on a GPU; 3 no usable GPU
 * (measured on the CPU, said so); 1 the natives failed to load; 2 bad usage.
 */
public final class GpuCheck {
  static final int EXIT_NO_GPU = 3;

  private final Options o;
  private final List<String> summary = new ArrayList<>();

  private GpuCheck(Options o) {
    this.o = o;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String[] args) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("gpu-check: " + e.getMessage() + "\n" + Options.USAGE);
      return 2;
    }
    if (o.help) {
      System.out.println(Options.USAGE);
      return 0;
    }
    return new GpuCheck(o).check();
  }

  private int check() {
    boolean gpuBuild = DeviceSelector.isGpuBuild();
    line(
        "jar",
        gpuBuild ? "GPU build (OpenCV with CUDA 13 + cuDNN 9)" : "CPU build (OpenCV without CUDA)");
    try {
      DeviceSelector.ensureNativesLoaded();
    } catch (EngineException e) {
      line("natives", "FAILED: " + e.getMessage());
      line("device found", "none (the natives did not load)");
      line("backend used", "none: the job would fail at executor start with the error above");
      return 1;
    }
    line("natives", "loaded");
    int count = 0;
    String cudaError = null;
    try {
      count = DeviceSelector.cudaDeviceCount();
    } catch (RuntimeException e) {
      cudaError = firstLine(e.getMessage());
    }
    DeviceSelector.Choice choice;
    try {
      choice = DeviceSelector.decide(Backend.AUTO, o.gpu, count, gpuBuild, cudaError);
    } catch (EngineException e) { // --gpu names no visible device
      System.err.println("gpu-check: " + e.getMessage());
      return 2;
    }
    Device gpu = choice.device.isCuda() ? choice.device : null;
    if (count > 0) {
      for (int i = 0; i < count; i++) {
        DeviceInfo info = new DeviceInfo(i);
        line(
            "device found",
            String.format(
                Locale.ROOT,
                "cuda:%d %s, %.1f GiB, compute capability %d.%d",
                i,
                info.name().getString(),
                info.totalMemory() / GIB,
                info.majorVersion(),
                info.minorVersion()));
      }
    } else {
      line("device found", "NO GPU: " + choice.reason);
    }
    line(
        "backend used",
        gpu != null
            ? gpu + " (OpenCV DNN_BACKEND_CUDA: fp32 DNN_TARGET_CUDA, fp16 DNN_TARGET_CUDA_FP16)"
            : "cpu (DNN_BACKEND_OPENCV); fp16 runs only on CUDA, so fp16 figures are not measured here");
    if (gpu != null) {
      line("device.backend=auto on this node", choice.reason);
    }

    ModelSpec bundled = bundledModel();
    if (bundled != null) {
      measure(new SuperResBench(bundled, o.modelFile), gpu, o.modelTile, o.cpuModelTile);
    } else {
      line(
          "bundled model",
          "not measured: superres-edsr-x3.pb is not inside this jar; give --model PATH.pb");
    }
    if (!o.skipEdsr) {
      EdsrSizeGraph g = EdsrSizeGraph.official();
      Path[] files = g.write(o.work, 1);
      String label =
          String.format(
              Locale.ROOT,
              "edsr-size graph (%d blocks x %d filters, x%d, random weights,"
                  + " %.1f million multiply-adds per input pixel)",
              EdsrSizeGraph.BLOCKS,
              EdsrSizeGraph.FEATS,
              EdsrSizeGraph.SCALE,
              g.macsPerInputPixel() / 1e6);
      measure(new DarknetBench(label, files[0], files[1]), gpu, o.edsrTile, o.cpuEdsrTile);
    }
    System.out.println();
    System.out.println("summary:");
    summary.forEach(s -> System.out.println("  " + s));
    if (gpu == null) {
      System.out.println("NO GPU: " + choice.reason + ". The figures above are CPU figures.");
      return EXIT_NO_GPU;
    }
    return 0;
  }

  /** Throughput, precision differences and (on a GPU) memory per tile for one network. */
  private void measure(Bench b, Device gpu, int tile, int cpuTile) {
    System.out.println();
    System.out.println(b.label() + ":");
    Mat sample = SampleImages.scene(Math.max(tile, cpuTile), Math.max(tile, cpuTile), 7);
    Mat cpuIn = crop(sample, cpuTile);
    float[] cpuOut;
    try (Bench.Run cpu = b.open(Device.CPU, Precision.FP32)) {
      cpuOut = cpu.forward(cpuIn);
      double mps = throughput(cpu, cpuIn, o.cpuSeconds);
      line(
          "  cpu fp32 throughput",
          String.format(Locale.ROOT, "%.4f input MP/s (tile %dx%d)", mps, cpuTile, cpuTile));
      summary.add(String.format(Locale.ROOT, "%s: cpu fp32 %.4f MP/s", b.shortName(), mps));
    }
    if (gpu == null) {
      line("  gpu fp32 / fp16 throughput", "n/a (no GPU)");
      line("  max abs diff fp16 vs fp32", "n/a (no GPU)");
      line("  max abs diff gpu vs cpu", "n/a (no GPU)");
      line("  gpu memory per tile", "n/a (no GPU)");
      return;
    }
    Mat in = crop(sample, tile);
    float[] fp32Out = null;
    for (Precision p : Precision.values()) {
      try (Bench.Run run = b.open(gpu, p)) {
        float[] out = run.forward(in);
        double mps = throughput(run, in, o.gpuSeconds);
        String name = p.name().toLowerCase(Locale.ROOT);
        line(
            "  gpu " + name + " throughput",
            String.format(Locale.ROOT, "%.2f input MP/s (tile %dx%d)", mps, tile, tile));
        summary.add(
            String.format(Locale.ROOT, "%s: %s %s %.2f MP/s", b.shortName(), gpu, name, mps));
        if (p == Precision.FP32) {
          fp32Out = out;
          float[] small = run.forward(cpuIn);
          line("  max abs diff gpu vs cpu (fp32)", diff(small, cpuOut, b.units()));
        } else {
          line("  max abs diff fp16 vs fp32 (gpu)", diff(out, fp32Out, b.units()));
        }
      } catch (RuntimeException e) {
        line("  gpu " + p.name().toLowerCase(Locale.ROOT), "FAILED: " + e.getMessage());
      }
    }
    for (int t : o.memoryTiles) {
      StringBuilder s = new StringBuilder();
      for (Precision p : Precision.values()) {
        s.append(p.name().toLowerCase(Locale.ROOT))
            .append(' ')
            .append(memoryFor(b, gpu, p, t))
            .append("  ");
      }
      line("  gpu memory, tile " + t + "x" + t, s.toString().trim());
    }
  }

  /**
   * Device memory in use after one forward on a fresh net (cudaMemGetInfo), minus what was in use
   * before.
   */
  private String memoryFor(Bench b, Device gpu, Precision p, int tile) {
    DeviceInfo info = new DeviceInfo(gpu.cudaIndex());
    long before = info.totalMemory() - info.freeMemory();
    Mat in = SampleImages.scene(tile, tile, 11);
    try (Bench.Run run = b.open(gpu, p)) {
      run.forward(in);
      long used = info.totalMemory() - info.freeMemory() - before;
      return String.format(Locale.ROOT, "%.0f MiB", used / (1024.0 * 1024.0));
    } catch (RuntimeException e) {
      return "failed (" + firstLine(e.getMessage()) + ")";
    }
  }

  /**
   * Input megapixels per second over repeated forwards for about the given time (after one untimed
   * pass).
   */
  private static double throughput(Bench.Run run, Mat in, double seconds) {
    long budget = (long) (seconds * 1e9);
    long t0 = System.nanoTime();
    int n = 0;
    long elapsed;
    do {
      run.forward(in);
      n++;
      elapsed = System.nanoTime() - t0;
    } while (elapsed < budget);
    return n * (double) in.cols() * in.rows() / 1e6 / (elapsed / 1e9);
  }

  static String diff(float[] a, float[] b, String units) {
    if (a == null || b == null || a.length != b.length) {
      return "n/a";
    }
    double max = 0;
    double range = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
      range = Math.max(range, Math.abs(b[i]));
    }
    return String.format(Locale.ROOT, "%.4f %s (largest output magnitude %.1f)", max, units, range);
  }

  private static Mat crop(Mat m, int size) {
    return new Mat(m, new org.bytedeco.opencv.opencv_core.Rect(0, 0, size, size)).clone();
  }

  private ModelSpec bundledModel() {
    if (o.modelFile == null) {
      try (InputStream in =
          GpuCheck.class.getResourceAsStream("/superres/models/superres-edsr-x3.pb")) {
        if (in == null) {
          return null;
        }
        Files.createDirectories(o.work);
        o.modelFile = o.work.resolve("superres-edsr-x3.pb");
        Files.copy(in, o.modelFile, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    String fileName = o.modelFile.getFileName().toString();
    ModelKind kind = o.kind != null ? o.kind : ModelKind.fromFileName(fileName);
    int scale = o.scale;
    Matcher m = Pattern.compile("x(\\d)").matcher(fileName.toLowerCase(Locale.ROOT));
    if (scale == 0 && m.find()) {
      scale = Integer.parseInt(m.group(1));
    }
    if (kind == null || scale == 0) {
      throw new IllegalArgumentException(
          "cannot tell the kind and scale of " + fileName + ": give --kind and --scale");
    }
    return new ModelSpec(fileName, kind, scale, ModelSpec.sha256Of(o.modelFile));
  }

  private static void line(String what, String value) {
    System.out.println(what + ": " + value);
  }

  static String firstLine(String s) {
    return s == null ? "" : s.split("\n")[0];
  }

  private static final double GIB = 1024.0 * 1024 * 1024;

  /** A network to measure, opened on one device and precision at a time. */
  interface Bench {
    String label();

    String shortName();

    /** Units of the outputs compared by the max abs differences. */
    String units();

    Run open(Device device, Precision precision);

    interface Run extends AutoCloseable {
      float[] forward(Mat bgr8);

      @Override
      void close();
    }
  }

  /** The bundled (or given) super-resolution model, through the job's own SuperResNet. */
  static final class SuperResBench implements Bench {
    private final ModelSpec spec;
    private final Path file;

    SuperResBench(ModelSpec spec, Path file) {
      this.spec = spec;
      this.file = file;
    }

    @Override
    public String label() {
      return "model " + spec;
    }

    @Override
    public String shortName() {
      return spec.name();
    }

    @Override
    public String units() {
      return "levels of 255 (8-bit output)";
    }

    @Override
    public Run open(Device device, Precision precision) {
      SuperResNet net = SuperResNet.load(spec, file, device, precision);
      net.warmUp();
      return new Run() {
        @Override
        public float[] forward(Mat bgr8) {
          return floats(net.upsample(bgr8));
        }

        @Override
        public void close() {
          net.close();
        }
      };
    }
  }

  /** The EDSR-sized graph, run as a plain OpenCV net on a mean-subtracted BGR blob. */
  static final class DarknetBench implements Bench {
    private final String label;
    private final Path cfg;
    private final Path weights;

    DarknetBench(String label, Path cfg, Path weights) {
      this.label = label;
      this.cfg = cfg;
      this.weights = weights;
    }

    @Override
    public String label() {
      return label;
    }

    @Override
    public String shortName() {
      return "edsr-size 32x256";
    }

    @Override
    public String units() {
      return "(raw output, EDSR units of 0..255)";
    }

    @Override
    public Run open(Device device, Precision precision) {
      Net net = opencv_dnn.readNetFromDarknet(cfg.toString(), weights.toString());
      if (device.isCuda()) {
        opencv_core.setDevice(device.cudaIndex());
        net.setPreferableBackend(opencv_dnn.DNN_BACKEND_CUDA);
        net.setPreferableTarget(
            precision == Precision.FP16
                ? opencv_dnn.DNN_TARGET_CUDA_FP16
                : opencv_dnn.DNN_TARGET_CUDA);
      } else {
        net.setPreferableBackend(opencv_dnn.DNN_BACKEND_OPENCV);
        net.setPreferableTarget(opencv_dnn.DNN_TARGET_CPU);
      }
      return new Run() {
        @Override
        public float[] forward(Mat bgr8) {
          net.setInput(
              opencv_dnn.blobFromImage(
                  bgr8,
                  1.0,
                  new org.bytedeco.opencv.opencv_core.Size(),
                  new org.bytedeco.opencv.opencv_core.Scalar(103.15, 111.56, 114.36, 0),
                  false,
                  false,
                  opencv_core.CV_32F));
          return floats(net.forward());
        }

        @Override
        public void close() {
          net.close();
        }
      };
    }
  }

  /** All values of a Mat (2-D image or 4-D blob) as floats, in memory order. */
  static float[] floats(Mat m) {
    Mat f = new Mat();
    m.convertTo(f, opencv_core.CV_32F);
    if (!f.isContinuous()) {
      f = f.clone();
    }
    int n = (int) (f.total() * f.channels());
    float[] out = new float[n];
    new org.bytedeco.javacpp.FloatPointer(f.data()).get(out);
    return out;
  }

  /** Command-line options of the check. */
  static final class Options {
    static final String USAGE =
        String.join(
            "\n",
            "usage: gpu-check [--model FILE.pb [--kind edsr|espcn|fsrcnn|lapsrn] [--scale N]] [--gpu INDEX]",
            "                 [--tile N] [--edsr-tile N] [--memory-tiles 64,128,256,512] [--seconds S]",
            "                 [--work DIR] [--skip-edsr]",
            "  --model         the model to measure (default: superres-edsr-x3.pb bundled in the jar)",
            "  --gpu           CUDA device index, as Spark's GPU address (default 0)",
            "  --tile          LR tile of the model's throughput run on the GPU (default 256)",
            "  --edsr-tile     LR tile of the EDSR-size graph's throughput run on the GPU (default 128)",
            "  --memory-tiles  tile sizes for the GPU memory table (default 64,128,256,512)",
            "  --seconds       seconds per GPU throughput figure (default 3; CPU figures take one pass at least)",
            "  --work DIR      where the EDSR-size graph (175 MB, reused) is written (default: $TMPDIR/superres-gpu-check)");

    boolean help;
    Path modelFile;
    ModelKind kind;
    int scale;
    String gpu;
    int modelTile = 256;
    int edsrTile = 128;
    int cpuModelTile = 96;
    int cpuEdsrTile = 16;
    int[] memoryTiles = {64, 128, 256, 512};
    double gpuSeconds = 3;
    double cpuSeconds = 0;
    Path work = Paths.get(System.getProperty("java.io.tmpdir"), "superres-gpu-check");
    boolean skipEdsr;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          o.help = true;
          continue;
        }
        if (a.equals("--skip-edsr")) {
          o.skipEdsr = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + a + " needs a value");
        }
        String v = args[++i];
        switch (a) {
          case "--model":
            o.modelFile = Paths.get(v);
            break;
          case "--kind":
            o.kind = ModelKind.parse(v);
            break;
          case "--scale":
            o.scale = positive(a, v);
            break;
          case "--gpu":
            o.gpu = v;
            break;
          case "--tile":
            o.modelTile = positive(a, v);
            break;
          case "--edsr-tile":
            o.edsrTile = positive(a, v);
            break;
          case "--seconds":
            o.gpuSeconds = Double.parseDouble(v);
            break;
          case "--work":
            o.work = Paths.get(v);
            break;
          case "--memory-tiles":
            String[] parts = v.split(",");
            o.memoryTiles = new int[parts.length];
            for (int k = 0; k < parts.length; k++) {
              o.memoryTiles[k] = positive(a, parts[k].trim());
            }
            break;
          default:
            throw new IllegalArgumentException("unknown option " + a);
        }
      }
      if (o.modelFile != null && !Files.isRegularFile(o.modelFile)) {
        throw new IllegalArgumentException("--model " + o.modelFile + " is not a file");
      }
      return o;
    }

    private static int positive(String opt, String v) {
      try {
        int n = Integer.parseInt(v);
        if (n > 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(opt + " must be a positive integer, got '" + v + "'");
    }
  }
}
