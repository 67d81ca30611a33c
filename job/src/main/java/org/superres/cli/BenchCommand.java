package org.superres.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Map;
import org.superres.bench.Bench;
import org.superres.bench.BenchOptions;
import org.superres.bench.BenchTable;
import org.superres.config.ConfigError;
import org.superres.config.JobSettings;

/**
 * {@code bench [--models A,B] [--sizes 256,1024] [--images 4,2] [--repeats N] [--json FILE] ...}: the
 * performance harness (org.superres.bench). Prints one table; --json writes the full report.
 */
final class BenchCommand {
  static final String[] OPTIONS = {"models", "sizes", "images", "repeats", "json", "work-dir", "job-tile",
      "rss-sizes", "rss-model", "rss-xmx", "matrix", "matrix-size", "matrix-images", "matrix-repeats",
      "matrix-slots", "matrix-threads", "only", "throughput-models", "throughput-size"};

  private BenchCommand() {}

  static int run(Args a) throws Exception {
    JobSettings settings = Main.settings(a, false);
    BenchOptions o = options(a, settings);
    Map<String, Object> report = new Bench(o).run();
    BenchTable.print(report, System.out);
    if (o.json != null) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(o.json.toFile(), report);
      System.out.println("report: " + o.json);
    }
    return 0;
  }

  static BenchOptions options(Args a, JobSettings settings) {
    BenchOptions o = new BenchOptions();
    try {
      o.models = Arrays.asList((a.has("models") ? a.one("models") : "superres-edsr-x3").split(","));
      if (a.has("sizes")) o.sizes = BenchOptions.ints(a.one("sizes"));
      if (a.has("images")) o.images = BenchOptions.ints(a.one("images"));
      if (a.has("repeats")) o.repeats = Integer.parseInt(a.one("repeats"));
      if (a.has("job-tile")) o.jobTile = Integer.parseInt(a.one("job-tile"));
      if (a.has("rss-sizes")) o.rssSizes = BenchOptions.ints(a.one("rss-sizes"));
      o.rssModel = a.one("rss-model");
      if (a.has("rss-xmx")) o.rssXmx = a.one("rss-xmx");
      if (a.has("matrix")) o.matrix = !a.one("matrix").equals("off");
      if (a.has("matrix-size")) o.matrixSize = Integer.parseInt(a.one("matrix-size"));
      if (a.has("matrix-images")) o.matrixImages = Integer.parseInt(a.one("matrix-images"));
      if (a.has("matrix-repeats")) o.matrixRepeats = Integer.parseInt(a.one("matrix-repeats"));
      if (a.has("matrix-slots")) o.matrixSlots = BenchOptions.ints(a.one("matrix-slots"));
      if (a.has("matrix-threads")) o.matrixThreads = BenchOptions.ints(a.one("matrix-threads"));
      if (a.has("only")) {
        if (!a.one("only").equals("matrix")) {
          throw new ConfigError("bench: --only takes one value, matrix (the slots x threads runs alone)");
        }
        o.compare = false;
        o.matrix = true;
      }
      if (a.has("throughput-models")) o.throughputModels = Arrays.asList(a.one("throughput-models").split(","));
      if (a.has("throughput-size")) o.throughputSize = Integer.parseInt(a.one("throughput-size"));
    } catch (NumberFormatException e) {
      throw new ConfigError("bench: " + e.getMessage() + ": sizes, counts and repeats are integers");
    }
    if (o.repeats < 1 || o.sizes.length == 0 || o.rssSizes.length < 2) {
      throw new ConfigError("bench: --repeats must be >= 1, --sizes non-empty, --rss-sizes two sizes");
    }
    o.master = a.one("master");
    o.threads = settings.threads;
    o.tile = settings.tile;
    o.overlap = settings.overlap;
    o.workDir = a.has("work-dir") ? Paths.get(a.one("work-dir")) : null;
    o.json = a.has("json") ? Paths.get(a.one("json")) : null;
    return o;
  }
}
