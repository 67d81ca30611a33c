package org.superres.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.superres.engine.Device;
import org.superres.engine.Precision;
import org.superres.engine.SuperResNet;
import org.superres.samples.SampleImages;

/**
 * The performance harness. In one JVM, on the same images, model and threads, with repeats
 * interleaved (the order of the modes rotates every repeat, so drift in a shared machine's load
 * hits all of them): the plain loop (model loaded once), the enhance job, the plain loop loading
 * the model per image, and the engine tiled vs whole; then Spark slots vs OpenCV threads,
 * throughput of further models, and peak RSS in child JVMs. Returns the report that BenchTable
 * prints and --json writes.
 */
public final class Bench {

  private final BenchOptions o;

  public Bench(BenchOptions o) {
    this.o = o;
  }

  public Map<String, Object> run() throws Exception {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("started_at", Instant.now().toString());
    report.put("machine", Machine.describe());
    Path work =
        o.workDir != null
            ? Files.createDirectories(o.workDir)
            : Files.createTempDirectory("superres-bench");
    List<BenchModel> models = new ArrayList<>();
    List<Map<String, Object>> skipped = new ArrayList<>();
    for (String m : o.models) {
      try {
        models.add(BenchModel.resolve(m));
      } catch (RuntimeException | java.io.IOException e) {
        log("skipping model " + m + ": " + e.getMessage());
        skipped.add(Map.of("model", m, "reason", String.valueOf(e.getMessage())));
      }
    }
    if (models.isEmpty()) {
      throw new org.superres.config.ConfigError(
          "bench: none of the models could be resolved: " + skipped);
    }
    report.put("skipped_models", skipped);
    report.put("options", optionsEcho(models));

    log("convolution throughput (3x3, " + o.convChannels + " channels, " + o.convSize + "²)");
    ThreadSetting.apply(o.threads);
    double convFlops =
        Ceiling.convFlopsPerSecond(o.convChannels, o.convSize, Math.max(5, o.repeats));
    report.put(
        "conv",
        Map.of(
            "channels",
            o.convChannels,
            "size",
            o.convSize,
            "gflops_per_second",
            Stats.round(convFlops / 1e9, 2)));

    List<Map<String, Object>> results = new ArrayList<>();
    if (o.compare) {
      new ModeComparison(o).run(models, convFlops, work, results, report);
    }

    if (o.matrix) {
      BenchModel model = models.get(0);
      Path in = work.resolve("in-" + o.matrixSize + "-" + o.matrixImages);
      BenchImages.write(in, o.matrixSize, o.matrixImages, 3000);
      Map<String, Object> threads = new LinkedHashMap<>();
      threads.put("model", model.label);
      threads.put("size", o.matrixSize);
      threads.put("images", o.matrixImages);
      threads.put("tile", o.tile + "/" + o.overlap);
      List<Map<String, Object>> rows =
          new ThreadsMatrix(o, model, matrixJobSets()).run(in, work.resolve("out-matrix"));
      threads.put("matrix", rows);
      threads.put(
          "best",
          rows.stream()
              .max(
                  (a, b) ->
                      Double.compare(
                          (Double) a.get("input_megapixels_per_second"),
                          (Double) b.get("input_megapixels_per_second")))
              .get());
      report.put("threads", threads);
    }

    if (o.compare) {
      report.put("throughput", throughput(models, results, convFlops));
      report.put("rss", rss(models, work));
    }
    if (o.gigapixel) {
      BenchModel model =
          o.rssModel != null ? BenchModel.resolve(o.rssModel) : models.get(models.size() - 1);
      report.put("gigapixel", new GigapixelBench(o, model, work).run());
    }
    if (o.planning) {
      report.put("planning", new PlanningBench(o.planningInputs, o.planningXmx, work).run());
    }
    report.put("machine_after", Map.of("loadavg", Machine.loadAverage()));
    report.put("finished_at", Instant.now().toString());
    return report;
  }

  /** Per model, input MP/s: end to end (raw loop, largest size) and inference only. */
  private List<Map<String, Object>> throughput(
      List<BenchModel> models, List<Map<String, Object>> results, double convFlops) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (BenchModel m : models) {
      Map<String, Object> last = null;
      for (Map<String, Object> r : results) if (r.get("model").equals(m.label)) last = r;
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("model", m.label);
      row.put("size", last.get("size"));
      row.put(
          "end_to_end_megapixels_per_second",
          Stats.round(ModeComparison.modeMp(last, ModeComparison.RAW), 4));
      @SuppressWarnings("unchecked")
      Map<String, Object> raw =
          (Map<String, Object>) ((Map<String, Object>) last.get("modes")).get(ModeComparison.RAW);
      @SuppressWarnings("unchecked")
      double inferMs = ((Map<String, Double>) raw.get("stage_ms_per_image")).get("infer");
      int size = (Integer) last.get("size");
      row.put(
          "infer_megapixels_per_second",
          Stats.round(size * (double) size / 1e6 / (inferMs / 1000), 4));
      row.put("ceiling_megapixels_per_second", last.get("ceiling_megapixels_per_second"));
      rows.add(row);
    }
    for (String entry : o.throughputModels) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("model", entry);
      try {
        BenchModel m = BenchModel.resolve(entry);
        row.put("model", m.label);
        row.put("size", o.throughputSize);
        log("throughput of " + m.label + " on " + o.throughputSize + "² (inference only)");
        ThreadSetting.apply(o.threads);
        Mat img = SampleImages.scene(o.throughputSize, o.throughputSize, 5000);
        List<Double> mps = new ArrayList<>();
        try (SuperResNet net = SuperResNet.load(m.spec, m.file, Device.CPU, Precision.FP32)) {
          net.warmUp();
          for (int i = 0; i < Math.max(3, o.repeats); i++) {
            long t = System.nanoTime();
            net.upsample(img).close();
            mps.add(
                o.throughputSize
                    * (double) o.throughputSize
                    / 1e6
                    / ((System.nanoTime() - t) / 1e9));
          }
        }
        double fpp = Ceiling.flopsPerPixel(m, o.throughputSize);
        row.put("infer_megapixels_per_second", Stats.round(Stats.median(mps), 5));
        row.put("flops_per_pixel", Math.round(fpp));
        row.put("ceiling_megapixels_per_second", Stats.round(convFlops / fpp / 1e6, 5));
      } catch (RuntimeException | java.io.IOException e) {
        log("throughput model " + entry + " skipped: " + e.getMessage());
        row.put("skipped", String.valueOf(e.getMessage()));
      }
      rows.add(row);
    }
    return rows;
  }

  /** Peak RSS of one image at each RSS size, tiled as configured, each in a fresh child JVM. */
  private Map<String, Object> rss(List<BenchModel> models, Path work) throws Exception {
    BenchModel model =
        o.rssModel != null ? BenchModel.resolve(o.rssModel) : models.get(models.size() - 1);
    Map<String, Object> rss = new LinkedHashMap<>();
    rss.put("model", model.label);
    rss.put("tile", o.tile);
    rss.put("overlap", o.overlap);
    rss.put("xmx", o.rssXmx);
    long[] peaks = new long[o.rssSizes.length];
    for (int i = 0; i < o.rssSizes.length; i++) {
      int size = o.rssSizes[i];
      log("peak RSS of one " + size + "² image (" + model.label + ", child JVM)");
      Path in = BenchImages.write(work.resolve("rss-" + size), size, 1, 2000).get(0);
      Map<String, Object> m =
          PeakRss.measure(
              in, model, o.tile, o.overlap, o.rssXmx, work.resolve("rss-out.png"), false);
      peaks[i] = (Long) m.get("peak_kb");
      rss.put("size_" + size, m);
    }
    Files.deleteIfExists(work.resolve("rss-out.png"));
    int small = o.rssSizes[0];
    int large = o.rssSizes[o.rssSizes.length - 1];
    rss.put(
        "ratio_" + large + "_over_" + small,
        Stats.round((double) peaks[peaks.length - 1] / peaks[0], 3));
    return rss;
  }

  /**
   * The matrix runs the job as users do, with the engine's tiling (tiling.tile, tiling.overlap as
   * configured): the default it decides is for that job, not for whole-image inference.
   */
  private List<String> matrixJobSets() {
    return Arrays.asList(
        "tiling.tile=" + o.tile, "tiling.overlap=" + o.overlap, "partitions.max-files=1");
  }

  private Map<String, Object> optionsEcho(List<BenchModel> models) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Map<String, Object>> ms = new ArrayList<>();
    for (BenchModel b : models) {
      ms.add(
          Map.of(
              "label",
              b.label,
              "kind",
              b.spec.kind().opencvName(),
              "scale",
              b.spec.scale(),
              "sha256",
              b.spec.sha256(),
              "file",
              b.file.toString()));
    }
    m.put("models", ms);
    m.put("sizes", o.sizes);
    m.put("images", o.images);
    m.put("repeats", o.repeats);
    m.put("device_threads", o.threads);
    m.put("opencv_threads_default", opencv_core.getNumThreads());
    m.put("job_tile", o.jobTile);
    m.put("tile", o.tile);
    m.put("overlap", o.overlap);
    return m;
  }

  private static final java.time.format.DateTimeFormatter CLOCK =
      java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss");

  static void log(String line) {
    System.err.println("bench " + java.time.LocalTime.now().format(CLOCK) + "  " + line);
  }
}
