package org.superres.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.superres.engine.DecodedImage;
import org.superres.engine.Device;
import org.superres.engine.EnhanceToFile;
import org.superres.engine.Enhancer;
import org.superres.engine.ImageCodec;
import org.superres.engine.ImageFormat;
import org.superres.engine.ImageLimits;
import org.superres.engine.OutputSettings;
import org.superres.engine.PostProcess;
import org.superres.engine.Precision;
import org.superres.engine.SuperResNet;
import org.superres.engine.TiledUpscaler;

/**
 * The issue 17 figures (docs/gigapixel.md): peak RSS of a child JVM enhancing one large PNG to PNG
 * through the streamed path, at two input sizes and as their ratio; peak RSS of the README
 * quick-start launcher (local mode, the whole process) on one large input; and throughput of the
 * streamed path over the in-memory one on small inputs, interleaved.
 */
final class GigapixelBench {
  private final BenchOptions o;
  private final BenchModel model;
  private final Path work;

  GigapixelBench(BenchOptions o, BenchModel model, Path work) {
    this.o = o;
    this.model = model;
    this.work = work;
  }

  Map<String, Object> run() throws Exception {
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("model", model.label);
    g.put("tile", o.tile);
    g.put("overlap", o.overlap);
    g.put("xmx", o.gigapixelXmx);
    g.put("loadavg_before", Machine.loadAverage());
    List<Map<String, Object>> rss = new ArrayList<>();
    for (double mp : o.gigapixelMegapixels) {
      int edge = edge(mp);
      Bench.log(
          String.format("streamed peak RSS: %d² input (%.1f MP) to PNG, child JVM", edge, mp));
      Path in = BenchImages.write(work.resolve("giga-" + edge), edge, 1, 6000).get(0);
      Path out = work.resolve("giga-out.png");
      Map<String, Object> m =
          PeakRss.measure(in, model, o.tile, o.overlap, o.gigapixelXmx, out, true);
      m.put("input_megapixels", Stats.round(edge * (double) edge / 1e6, 2));
      m.put("output_megapixels", Stats.round(9.0 * edge * edge / 1e6, 2));
      m.put("output_bytes", Files.size(out));
      Files.deleteIfExists(out);
      Bench.log(
          String.format(
              "  peak %d MB, %.0f s",
              (Long) m.get("peak_kb") / 1024, (Long) m.get("wall_ms") / 1e3));
      rss.add(m);
    }
    g.put("rss", rss);
    if (rss.size() >= 2) {
      long small = (Long) rss.get(0).get("peak_kb");
      long large = (Long) rss.get(rss.size() - 1).get("peak_kb");
      g.put("rss_ratio_largest_over_smallest", Stats.round((double) large / small, 3));
    }
    if (o.launcherMegapixels > 0) {
      g.put("launcher", launcher(edge(o.launcherMegapixels)));
    }
    g.put("throughput", throughput());
    g.put("loadavg_after", Machine.loadAverage());
    return g;
  }

  private static int edge(double megapixels) {
    return (int) Math.round(Math.sqrt(megapixels * 1e6));
  }

  /**
   * submit/superres enhance on one input, as README's quick start runs it; the peak RSS of the
   * launcher's process (it execs the JVM) is polled from /proc while it runs.
   */
  private Map<String, Object> launcher(int edge) throws Exception {
    Path launcher = repoRoot().resolve("submit/superres");
    Path in = work.resolve("launcher-" + edge);
    BenchImages.write(in, edge, 1, 7000);
    Path out = work.resolve("launcher-out");
    deleteTree(out);
    List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "enhance"));
    cmd.addAll(List.of("--input", in.toString(), "--output", out.toString()));
    for (String s : model.jobSets()) cmd.addAll(List.of("--set", s));
    cmd.addAll(List.of("--set", "tiling.tile=" + o.tile, "--set", "tiling.overlap=" + o.overlap));
    Bench.log("launcher peak RSS: " + String.join(" ", cmd));
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("launcher.log").toFile())
            .start();
    long peakKb = 0;
    while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
      peakKb = Math.max(peakKb, PeakRss.statusKb(p.pid(), "VmHWM"));
    }
    long wallMs = (System.nanoTime() - t0) / 1_000_000;
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "launcher exited "
              + p.exitValue()
              + ": "
              + new String(
                  Files.readAllBytes(work.resolve("launcher.log")), StandardCharsets.UTF_8));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("input_megapixels", Stats.round(edge * (double) edge / 1e6, 2));
    m.put("peak_kb", peakKb);
    m.put("wall_ms", wallMs);
    m.put("java_opts", System.getenv().getOrDefault("SUPERRES_JAVA_OPTS", "-Xmx4g (default)"));
    Bench.log(String.format("  peak %d MB, %.0f s", peakKb / 1024, wallMs / 1e3));
    return m;
  }

  /** Streamed against in-memory (decode whole, Enhancer, OpenCV PNG) on the same images. */
  private Map<String, Object> throughput() throws Exception {
    int size = o.gigapixelThroughputSize;
    List<Path> files =
        BenchImages.write(work.resolve("tp-" + size), size, o.gigapixelThroughputImages, 8000);
    ThreadSetting.apply(o.threads);
    ImageLimits limits = new ImageLimits(0, 0);
    ImageCodec codec = new ImageCodec(limits);
    TiledUpscaler tiler = new TiledUpscaler(o.tile, o.overlap);
    List<Double> today = new ArrayList<>();
    List<Double> streamed = new ArrayList<>();
    Path out = work.resolve("tp-out.png");
    try (SuperResNet net = SuperResNet.load(model.spec, model.file, Device.CPU, Precision.FP32)) {
      net.warmUp();
      EnhanceToFile engine =
          new EnhanceToFile(net, tiler, limits, OutputSettings.defaults(), PostProcess.NONE);
      Bench.log(
          String.format(
              "throughput: %d x %d² PNG to PNG, streamed vs in-memory, %d interleaved repeats",
              files.size(), size, o.repeats));
      for (int rep = 0; rep <= o.repeats; rep++) { // repeat 0 warms both paths up
        for (int i = 0; i < 2; i++) {
          boolean stream = (i + rep) % 2 == 0;
          long t = System.nanoTime();
          for (Path f : files) {
            if (stream) {
              engine.run(() -> Files.newInputStream(f), out, ImageFormat.PNG, null);
            } else {
              DecodedImage d = codec.decode(Files.readAllBytes(f));
              TiledUpscaler.Result up = new Enhancer(net, tiler).enhance(d.pixels);
              codec.encodeToFile(up.image, ImageFormat.PNG, 92, d.metadata, out);
              up.image.close();
              d.pixels.close();
            }
          }
          double mps = files.size() * (double) size * size / 1e6 / ((System.nanoTime() - t) / 1e9);
          if (rep > 0) (stream ? streamed : today).add(mps);
        }
      }
    }
    Files.deleteIfExists(out);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("size", size);
    m.put("images", files.size());
    m.put("in_memory_megapixels_per_second", Stats.round(Stats.median(today), 4));
    m.put("streamed_megapixels_per_second", Stats.round(Stats.median(streamed), 4));
    List<Double> paired = new ArrayList<>();
    for (int i = 0; i < today.size(); i++) paired.add(streamed.get(i) / today.get(i));
    m.put(
        "streamed_over_in_memory",
        Stats.round(Stats.ratio(Stats.median(streamed), Stats.median(today)), 3));
    m.put("streamed_over_in_memory_paired", Stats.round(Stats.median(paired), 3));
    return m;
  }

  static Path repoRoot() {
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("submit/superres"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no submit/superres above " + Paths.get("").toAbsolutePath());
    }
    return dir;
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (var s = Files.walk(p)) {
      for (Path x : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(x);
      }
    }
  }
}
