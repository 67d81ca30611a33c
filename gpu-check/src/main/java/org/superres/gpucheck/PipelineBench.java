package org.superres.gpucheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.superres.engine.DecodedImage;
import org.superres.engine.Device;
import org.superres.engine.EngineException;
import org.superres.engine.Enhancer;
import org.superres.engine.ImageCodec;
import org.superres.engine.ImageFormat;
import org.superres.engine.ImageLimits;
import org.superres.engine.ImageMetadata;
import org.superres.engine.Precision;
import org.superres.engine.SuperResNet;
import org.superres.engine.TiledUpscaler;
import org.superres.samples.SampleImages;

/**
 * The engine's whole path per image, as an executor runs it (decode, tiled upscale, encode), with
 * the job's default tiling: time per stage, and images per second with 1, 2 and 4 tasks sharing one
 * network (the job's layout: one network per GPU, its calls serialized).
 */
final class PipelineBench {
  static final int TILE = 256;
  static final int OVERLAP = 16;
  static final int MAX_FILES = 16;
  static final int[] TASKS = {1, 2, 4};

  private final ImageCodec codec = new ImageCodec(new ImageLimits(100_000_000L, 1L << 30));

  /** Encoded inputs and what they are, for the table. */
  static final class Inputs {
    final List<byte[]> files;
    final String description;

    Inputs(List<byte[]> files, String description) {
      this.files = files;
      this.description = description;
    }
  }

  /** Photo-like scenes encoded as JPEG, as most archives hold them. */
  Inputs synthetic(int count, int width, int height) {
    List<byte[]> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Mat m = SampleImages.scene(width, height, 200 + i);
      files.add(codec.encode(m, ImageFormat.JPEG, 92, ImageMetadata.NONE));
    }
    return new Inputs(
        files,
        String.format(
            Locale.ROOT, "%d scenes %dx%d made at run time (JPEG)", count, width, height));
  }

  /** The first files of dir, by name; those the engine cannot decode are left out. */
  Inputs fromFolder(Path dir, List<String> warnings) {
    List<Path> paths;
    try (Stream<Path> s = Files.list(dir)) {
      paths = s.filter(Files::isRegularFile).sorted().limit(MAX_FILES).collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list --images " + dir, e);
    }
    List<byte[]> files = new ArrayList<>();
    for (Path p : paths) {
      try {
        byte[] bytes = Files.readAllBytes(p);
        codec.decode(bytes);
        files.add(bytes);
      } catch (IOException | EngineException e) {
        warnings.add("--images: left out " + p.getFileName() + ": " + e.getMessage());
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("--images " + dir + " holds no image the engine decodes");
    }
    return new Inputs(files, files.size() + " files from " + dir);
  }

  CheckReport.Pipeline measure(ModelNetwork model, Device device, Inputs inputs) throws Exception {
    CheckReport.Pipeline p = new CheckReport.Pipeline();
    p.model = model.name();
    p.device = device.toString();
    p.precision = "fp32";
    p.images = inputs.description;
    p.count = inputs.files.size();
    p.tile = TILE;
    p.overlap = OVERLAP;
    try (SuperResNet net = SuperResNet.load(model.spec(), model.file(), device, Precision.FP32)) {
      net.warmUp();
      Enhancer enhancer = new Enhancer(net, new TiledUpscaler(TILE, OVERLAP));
      process(enhancer, inputs.files.get(0), null); // the tile shape's first forward sets up
      int n = inputs.files.size();
      double[] decode = new double[n];
      double[] upscale = new double[n];
      double[] encode = new double[n];
      long pixels = 0;
      for (int i = 0; i < n; i++) {
        double[] ms = new double[3];
        pixels += process(enhancer, inputs.files.get(i), ms);
        decode[i] = ms[0];
        upscale[i] = ms[1];
        encode[i] = ms[2];
      }
      p.inputMegapixels = pixels / 1e6;
      p.decodeMs = median(decode);
      p.upscaleMs = median(upscale);
      p.encodeMs = median(encode);
      if (device.isCuda()) {
        p.recommendedTasksPerGpu = TasksPerGpu.recommend(p.decodeMs + p.encodeMs, p.upscaleMs);
        p.sparkTaskGpuAmount = TasksPerGpu.sparkAmount(p.recommendedTasksPerGpu);
      }
      double single = 0;
      for (int tasks : TASKS) {
        CheckReport.Sharing s = shared(enhancer, inputs.files, tasks);
        single = tasks == 1 ? s.imagesPerS : single;
        s.speedup = s.imagesPerS / single;
        p.sharing.add(s);
      }
    }
    return p;
  }

  /** At least two images per task, all tasks on the one network; wall time. */
  private CheckReport.Sharing shared(Enhancer enhancer, List<byte[]> files, int tasks)
      throws Exception {
    int jobs = Math.max(files.size(), 2 * tasks);
    ExecutorService pool = Executors.newFixedThreadPool(tasks);
    try {
      List<Future<Long>> done = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < jobs; i++) {
        byte[] file = files.get(i % files.size());
        done.add(pool.submit(() -> process(enhancer, file, null)));
      }
      long pixels = 0;
      for (Future<Long> f : done) {
        pixels += f.get();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      CheckReport.Sharing s = new CheckReport.Sharing();
      s.tasks = tasks;
      s.imagesPerS = jobs / seconds;
      s.inputMpPerS = pixels / 1e6 / seconds;
      return s;
    } finally {
      pool.shutdownNow();
    }
  }

  /** One image through the whole path; its input pixels. ms gets decode, upscale, encode. */
  private long process(Enhancer enhancer, byte[] file, double[] ms) {
    long t0 = System.nanoTime();
    DecodedImage image = codec.decode(file);
    long t1 = System.nanoTime();
    Mat out = enhancer.enhance(image.pixels).image;
    long t2 = System.nanoTime();
    codec.encode(out, ImageFormat.PNG, 90, image.metadata); // the job's default output format
    long t3 = System.nanoTime();
    out.close();
    if (ms != null) {
      ms[0] = (t1 - t0) / 1e6;
      ms[1] = (t2 - t1) / 1e6;
      ms[2] = (t3 - t2) / 1e6;
    }
    return (long) image.width() * image.height();
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
