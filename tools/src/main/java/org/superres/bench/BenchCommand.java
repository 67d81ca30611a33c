package org.superres.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.superres.cli.CommonOptions;
import org.superres.config.ConfigError;
import org.superres.config.JobSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench}: the performance harness. Prints one table; --json writes the full report. Sizes,
 * counts and repeats are comma-separated integers.
 */
@Command(name = "bench", description = "The performance harness: one table, --json for the report.")
public final class BenchCommand implements Callable<Integer> {
  private final BenchOptions o = new BenchOptions();

  @Mixin CommonOptions common;

  @Option(
      names = "--models",
      split = ",",
      paramLabel = "A,B",
      description = "catalog names, .pb paths or LABEL=PATH; the first is the headline model")
  List<String> models = new ArrayList<>(List.of("superres-edsr-x3"));

  @Option(
      names = "--sizes",
      split = ",",
      paramLabel = "N,N",
      description = "image edges (default 256,1024)")
  int[] sizes = o.sizes;

  @Option(
      names = "--images",
      split = ",",
      paramLabel = "N,N",
      description = "images per size (default 4,1)")
  int[] images = o.images;

  @Option(names = "--repeats", paramLabel = "N", description = "interleaved repeats (default 3)")
  int repeats = o.repeats;

  @Option(names = "--json", paramLabel = "FILE", description = "write the full report")
  Path json;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "where images and outputs go")
  Path workDir;

  @Option(
      names = "--job-tile",
      paramLabel = "N",
      description = "tiling.tile of the job in the comparison")
  int jobTile = o.jobTile;

  @Option(
      names = "--rss-sizes",
      split = ",",
      paramLabel = "N,N",
      description = "two edges (1024,4096)")
  int[] rssSizes = o.rssSizes;

  @Option(names = "--rss-model", paramLabel = "MODEL", description = "model of the RSS probes")
  String rssModel;

  @Option(names = "--rss-xmx", paramLabel = "SIZE", description = "-Xmx of the RSS child JVMs")
  String rssXmx = o.rssXmx;

  @Option(
      names = "--matrix",
      paramLabel = "on|off",
      description = "slots x threads matrix (default on)")
  String matrix = "on";

  @Option(names = "--matrix-size", paramLabel = "N")
  int matrixSize = o.matrixSize;

  @Option(names = "--matrix-images", paramLabel = "N")
  int matrixImages = o.matrixImages;

  @Option(names = "--matrix-repeats", paramLabel = "N")
  int matrixRepeats = o.matrixRepeats;

  @Option(names = "--matrix-slots", split = ",", paramLabel = "N,N")
  int[] matrixSlots = o.matrixSlots;

  @Option(names = "--matrix-threads", split = ",", paramLabel = "N,N")
  int[] matrixThreads = o.matrixThreads;

  @Option(
      names = "--only",
      paramLabel = "matrix|gigapixel|planning",
      description =
          "run only the slots x threads matrix, or only the gigapixel figures (streamed RSS,"
              + " launcher RSS, streamed/in-memory throughput; docs/gigapixel.md), or only the"
              + " planning figures (--plan-only over generated inventories in a capped heap)")
  String only;

  @Option(
      names = "--planning-inputs",
      split = ",",
      paramLabel = "N,N",
      description = "inputs of the generated inventories (1000000,10000000)")
  long[] planningInputs = o.planningInputs;

  @Option(
      names = "--planning-xmx",
      paramLabel = "SIZE",
      description = "-Xmx of the planning probes, the driver's heap (1g)")
  String planningXmx = o.planningXmx;

  @Option(
      names = "--gigapixel-mp",
      split = ",",
      paramLabel = "MP,MP",
      description = "input megapixels of the streamed RSS probes (default 10,100)")
  double[] gigapixelMp = o.gigapixelMegapixels;

  @Option(names = "--gigapixel-xmx", paramLabel = "SIZE", description = "-Xmx of those probes (1g)")
  String gigapixelXmx = o.gigapixelXmx;

  @Option(
      names = "--launcher-mp",
      paramLabel = "MP",
      description = "input megapixels of the submit/superres run (default 36; 0 = none)")
  double launcherMp = o.launcherMegapixels;

  @Option(
      names = "--gigapixel-throughput-size",
      paramLabel = "N",
      description = "edge of the streamed vs in-memory throughput images (default 1024)")
  int gigapixelThroughputSize = o.gigapixelThroughputSize;

  @Option(names = "--gigapixel-throughput-images", paramLabel = "N")
  int gigapixelThroughputImages = o.gigapixelThroughputImages;

  @Option(
      names = "--throughput-models",
      split = ",",
      paramLabel = "LABEL=PATH",
      description = "models measured for throughput only")
  List<String> throughputModels = new ArrayList<>();

  @Option(names = "--throughput-size", paramLabel = "N")
  int throughputSize = o.throughputSize;

  @Override
  public Integer call() throws Exception {
    BenchOptions options = options(common.settings(List.of()));
    Map<String, Object> report = new Bench(options).run();
    BenchTable.print(report, System.out);
    if (json != null) {
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(json.toFile(), report);
      System.out.println("report: " + json);
    }
    return 0;
  }

  BenchOptions options(JobSettings settings) {
    if (repeats < 1 || sizes.length == 0 || rssSizes.length < 2) {
      throw new ConfigError(
          "bench: --repeats must be >= 1, --sizes non-empty, --rss-sizes two sizes");
    }
    if (only != null && !List.of("matrix", "gigapixel", "planning").contains(only)) {
      throw new ConfigError(
          "bench: --only takes matrix (the slots x threads runs alone), gigapixel (issue 17's"
              + " figures alone) or planning (issue 16's)");
    }
    o.models = models;
    o.sizes = sizes;
    o.images = images;
    o.repeats = repeats;
    o.jobTile = jobTile;
    o.rssSizes = rssSizes;
    o.rssModel = rssModel;
    o.rssXmx = rssXmx;
    o.gigapixel = "gigapixel".equals(only);
    o.planning = "planning".equals(only);
    o.planningInputs = planningInputs;
    o.planningXmx = planningXmx;
    o.matrix = "matrix".equals(only) || (only == null && !matrix.equals("off"));
    o.gigapixelMegapixels = gigapixelMp;
    o.gigapixelXmx = gigapixelXmx;
    o.launcherMegapixels = launcherMp;
    o.gigapixelThroughputSize = gigapixelThroughputSize;
    o.gigapixelThroughputImages = gigapixelThroughputImages;
    o.compare = only == null;
    o.matrixSize = matrixSize;
    o.matrixImages = matrixImages;
    o.matrixRepeats = matrixRepeats;
    o.matrixSlots = matrixSlots;
    o.matrixThreads = matrixThreads;
    o.throughputModels = throughputModels;
    o.throughputSize = throughputSize;
    o.master = common.master();
    o.threads = settings.threads;
    o.tile = settings.tile;
    o.overlap = settings.overlap;
    o.workDir = workDir;
    o.json = json;
    return o;
  }
}
