package org.superres.gpucheck;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.superres.engine.Device;
import org.superres.engine.EngineException;
import org.superres.engine.Precision;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The operators' GPU check (submit/gpu-check.sh, and run.sh of the GPU check bundle): proves a
 * node's GPU path with the engine alone, no Spark, and measures what sizing a job needs.
 */
@Command(
    name = "gpu-check",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Checks this node's GPU path with the engine alone (no Spark): the device and backend the"
          + " job would use; per network (the bundled model, each --model, and a graph of the"
          + " official EDSR x3's size) fp32 and fp16 throughput and GPU memory per tile, and PSNR"
          + " of the GPU output against the CPU's; model load cost; the whole path (decode,"
          + " upscale, encode) per stage, tasks per GPU, and 1, 2 and 4 tasks sharing one"
          + " network. Without a usable GPU it measures the CPU and says so."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:measured on a GPU, every check passed",
      "1:the OpenCV natives did not load (the line names the missing library), or the check"
          + " itself failed",
      "2:bad usage",
      "3:no usable GPU: CPU figures only",
      "4:measured on a GPU, but a check FAILED (the FAIL lines say which)"
    })
public final class GpuCheck implements Callable<Integer> {
  static final int EXIT_FAILED_TO_RUN = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_NO_GPU = 3;
  static final int EXIT_CHECK_FAILED = 4;

  /** Device memory that grows more than this over one tile size's timed forwards is a leak. */
  private static final double MAX_MEMORY_GROWTH_MIB = 64;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @Mixin CheckOptions options;
  @Spec CommandSpec spec;

  private final PrintStream out = System.out;
  private final TablePrinter table = new TablePrinter(out);
  private final CheckReport report = new CheckReport();

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String[] args) {
    CommandLine cli = new CommandLine(new GpuCheck());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOverwrittenOptionsAllowed(true); // run.sh gives --work; the operator's own comes after
    cli.setParameterExceptionHandler(
        (e, a) -> {
          e.getCommandLine()
              .getErr()
              .println("gpu-check: error: " + e.getMessage() + " (see gpu-check --help)");
          return EXIT_USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          command.getErr().println("gpu-check: error: " + rootMessage(e));
          e.printStackTrace(command.getErr());
          return EXIT_FAILED_TO_RUN;
        });
    return cli.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    options.validate(spec);
    report.date = Instant.now().toString();
    report.host = hostName();
    NodeProbe probe = new NodeProbe();
    boolean loaded;
    try {
      loaded = probe.probe(options.gpu, report.node);
    } catch (EngineException e) { // --gpu names no visible device
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (!loaded) {
      table.node(report.node);
      return finish(EXIT_FAILED_TO_RUN);
    }
    List<ModelNetwork> models = models(); // a --model that is no model: a usage error, first
    table.node(report.node);
    Device device = probe.device();
    Device gpu = device.isCuda() ? device : null;
    List<Network> networks = new ArrayList<>(models);
    if (!options.skipEdsr) {
      networks.add(new EdsrSizeNetwork(EdsrSizeGraph.official(), options.work));
    }
    for (Network n : networks) {
      measure(n, gpu);
    }
    if (models.isEmpty()) {
      out.println(
          "\nmodel load, whole path: not measured: no model (superres-edsr-x3.pb is not inside"
              + " this jar; give --model FILE.pb)");
    } else {
      ModelNetwork first = models.get(0);
      report.loadCost =
          attempt(
              first.name() + " load cost on " + device,
              () ->
                  gpu != null
                      ? LoadCostBench.measure(first, gpu, 4, 256)
                      : LoadCostBench.measure(first, device, 2, 64));
      if (report.loadCost != null) {
        table.loadCost(report.loadCost);
      }
      PipelineBench pipeline = new PipelineBench();
      PipelineBench.Inputs inputs =
          options.images != null
              ? pipeline.fromFolder(options.images, report.warnings)
              : gpu != null ? pipeline.synthetic(8, 1024, 768) : pipeline.synthetic(2, 160, 120);
      report.pipeline =
          attempt(
              first.name() + " whole path on " + device,
              () -> pipeline.measure(first, device, inputs));
      if (report.pipeline != null) {
        table.pipeline(report.pipeline);
      }
    }
    if (gpu == null) {
      return finish(EXIT_NO_GPU);
    }
    return finish(report.failures.isEmpty() ? 0 : EXIT_CHECK_FAILED);
  }

  /** The CPU yardstick, then (with a GPU) every precision and tile, and PSNR against the CPU. */
  private void measure(Network n, Device gpu) throws Exception {
    List<CheckReport.Throughput> rows = new ArrayList<>();
    CheckReport.Throughput cpu =
        ThroughputBench.measure(n, Device.CPU, Precision.FP32, n.cpuTile(), 0);
    rows.add(cpu);
    if (gpu != null) {
      for (Precision p : Precision.values()) {
        for (int tile : options.gpuTiles(n instanceof EdsrSizeNetwork)) {
          CheckReport.Throughput t =
              attempt(
                  String.format(Locale.ROOT, "%s %s %s tile %d", n.name(), gpu, lower(p), tile),
                  () -> ThroughputBench.measure(n, gpu, p, tile, options.seconds));
          if (t != null) {
            rows.add(t);
            judge(t, cpu);
          }
        }
      }
      judgeFp16(rows);
    }
    report.throughput.addAll(rows);
    table.throughput(n.name(), rows);
    if (gpu != null) {
      List<CheckReport.Correctness> c =
          attempt(
              n.name() + " " + gpu + " against the CPU",
              () -> CorrectnessCheck.compare(n, gpu, n.cpuTile()));
      if (c == null) {
        return;
      }
      for (CheckReport.Correctness r : c) {
        if (!r.pass) {
          report.failures.add(
              String.format(
                  Locale.ROOT,
                  "%s %s %s: PSNR %.1f dB against the CPU, under %.0f dB",
                  r.network,
                  r.device,
                  r.precision,
                  r.psnrDb,
                  r.thresholdDb));
        }
      }
      if (c.size() == 2 && c.get(0).maxAbsDiff == c.get(1).maxAbsDiff && c.get(0).maxAbsDiff > 0) {
        report.warnings.add(
            n.name()
                + ": the fp16 output equals the fp32 output: DNN_TARGET_CUDA_FP16 may not be in effect");
      }
      report.correctness.addAll(c);
      table.correctness(n.name(), c);
    }
  }

  /**
   * Signs of a GPU path that is not one: no device memory taken, no faster than the CPU, a leak.
   */
  private void judge(CheckReport.Throughput t, CheckReport.Throughput cpu) {
    String what =
        String.format(Locale.ROOT, "%s %s %s tile %d", t.network, t.device, t.precision, t.tile);
    if (t.gpuMemoryMib != null && t.gpuMemoryMib < 1) {
      report.warnings.add(what + ": the network took no GPU memory: it may have run on the CPU");
    }
    if (t.inputMpPerS <= cpu.inputMpPerS) {
      report.warnings.add(
          what + ": not faster than the CPU: the network may have fallen back to the CPU");
    }
    if (t.gpuMemoryGrowthMib != null && t.gpuMemoryGrowthMib > MAX_MEMORY_GROWTH_MIB) {
      report.failures.add(
          String.format(
              Locale.ROOT,
              "%s: GPU memory grew by %.0f MiB over %d forwards of one tile size",
              what,
              t.gpuMemoryGrowthMib,
              t.forwards));
    }
  }

  /**
   * One GPU measurement; an error (an OpenCV CUDA failure, out of memory) is a FAIL line and the
   * check goes on, so that one bad figure does not hide the others.
   */
  private <T> T attempt(String what, Callable<T> measurement) throws Exception {
    try {
      return measurement.call();
    } catch (RuntimeException e) {
      report.failures.add(what + ": " + rootMessage(e));
      out.println("FAILED: " + what + ": " + rootMessage(e));
      return null;
    }
  }

  private static String lower(Precision p) {
    return p.name().toLowerCase(Locale.ROOT);
  }

  private void judgeFp16(List<CheckReport.Throughput> rows) {
    for (CheckReport.Throughput fp16 : rows) {
      if (!fp16.precision.equals("fp16")) {
        continue;
      }
      for (CheckReport.Throughput fp32 : rows) {
        if (fp32.precision.equals("fp32")
            && fp32.tile == fp16.tile
            && fp32.device.equals(fp16.device)
            && fp16.inputMpPerS < fp32.inputMpPerS) {
          report.warnings.add(
              String.format(
                  Locale.ROOT,
                  "%s %s tile %d: fp16 (%.2f MP/s) is slower than fp32 (%.2f MP/s)",
                  fp16.network,
                  fp16.device,
                  fp16.tile,
                  fp16.inputMpPerS,
                  fp32.inputMpPerS));
        }
      }
    }
  }

  /** The bundled model first (it drives the load and whole-path figures), then each --model. */
  private List<ModelNetwork> models() {
    List<ModelNetwork> models = new ArrayList<>();
    ModelNetwork bundled = ModelNetwork.bundled(options.work);
    if (bundled != null) {
      models.add(bundled);
    }
    for (Path m : options.models) {
      ModelNetwork given;
      try {
        given = ModelNetwork.of(m, options.kind, options.scale);
      } catch (IllegalArgumentException | EngineException e) { // not a model OpenCV reads
        throw new ParameterException(spec.commandLine(), "--model " + m + ": " + e.getMessage());
      }
      if (models.stream().noneMatch(n -> n.spec().sha256().equals(given.spec().sha256()))) {
        models.add(given);
      }
    }
    return models;
  }

  private int finish(int exitCode) throws IOException {
    report.exitCode = exitCode;
    table.verdict(report);
    if (options.json != null) {
      Path parent = options.json.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(options.json.toFile(), report);
      out.println("json: " + options.json);
    }
    return exitCode;
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isEmpty()) {
      return env;
    }
    try {
      return new String(
              Files.readAllBytes(Paths.get("/proc/sys/kernel/hostname")), StandardCharsets.UTF_8)
          .trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
    return m.split("\n")[0];
  }
}
