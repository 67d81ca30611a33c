package org.superres.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.superres.cli.EnhanceCommand;
import org.superres.config.ConfigLoader;
import org.superres.config.JobSettings;
import org.superres.job.EnhanceJob;
import org.superres.manifest.ManifestTotals;
import org.superres.manifest.RunSummary;

/**
 * The full enhance job (EnhanceJob, local mode, file://) over one image set: listing, planning,
 * model shipping, partitions, manifest and summary. Throughput is the summary's own: images over
 * the processing action; the fixed per-run cost (listing, manifest read-back, summary queries) is
 * reported beside it.
 */
final class JobPass {
  private final SparkSession spark;
  private final BenchModel model;
  private final List<String> extraSets;

  /**
   * @param extraSets further --set lines (tiling, threads, partitions) applied to every run
   */
  JobPass(SparkSession spark, BenchModel model, List<String> extraSets) {
    this.spark = spark;
    this.model = model;
    this.extraSets = extraSets;
  }

  PassResult run(Path inputDir, Path outDir, int threads) throws IOException {
    return run(inputDir, outDir, threads, new ArrayList<>());
  }

  /**
   * The run's fixed cost: the same job over the same (already written) outputs with every input
   * skipped, in one partition: Spark's job and task set-up, the manifest's Parquet write and
   * commit, and no image work.
   */
  double fixedSeconds(Path inputDir, Path outDir, int threads) throws IOException {
    PassResult r =
        run(
            inputDir,
            outDir,
            threads,
            java.util.Arrays.asList("output.mode=skip-existing", "partitions.max-files=1000000"));
    return r.seconds;
  }

  private PassResult run(Path inputDir, Path outDir, int threads, List<String> overrides)
      throws IOException {
    List<String> sets = new ArrayList<>(overrides);
    sets.add("input=[\"" + inputDir.toUri() + "\"]");
    sets.add("output.uri=" + outDir.toUri());
    if (overrides.isEmpty()) sets.add("output.mode=overwrite");
    sets.add("output.format=png");
    sets.add("progress.interval-seconds=3600");
    sets.add("device.threads=" + threads);
    sets.addAll(model.jobSets());
    sets.addAll(extraSets);
    JobSettings settings = JobSettings.from(ConfigLoader.load(null, sets));
    // In local mode the executor is this JVM, and the job sets OpenCV's threads only once per JVM;
    // the bench changes them between runs, so it sets them itself (a negative count restores
    // OpenCV's default).
    ThreadSetting.apply(threads);
    EnhanceJob.Outcome outcome = EnhanceCommand.runAndReport(spark, settings);
    RunSummary summary = outcome.summary;
    ManifestTotals.Inputs inputs = summary.totals.inputs;
    boolean skipRun = !overrides.isEmpty();
    if ((skipRun ? inputs.skipped : inputs.ok) != inputs.listed) {
      throw new IllegalStateException(
          "bench job run "
              + outcome.runId
              + ": only "
              + inputs.ok
              + " of "
              + inputs.listed
              + " images ok; see "
              + outcome.layout.runDir(outcome.runId));
    }
    long pixels = Math.round(summary.totals.okInputMegapixels * 1e6);
    int n = (int) (skipRun ? inputs.skipped : inputs.ok);
    Map<String, Double> stages = new LinkedHashMap<>();
    stages.put("load", 0.0);
    for (String s : new String[] {"read", "decode", "infer", "encode", "write"}) {
      stages.put(s, summary.totals.stagesMs.get(s).sum / (double) Math.max(1, inputs.ok));
    }
    PassResult r = new PassResult(n, pixels, summary.processingSeconds, stages);
    r.extra.put("wall_seconds", summary.wallSeconds);
    r.extra.put("model_loads", summary.model.loads);
    r.extra.put("model_load_ms", summary.model.loadMsTotal);
    return r;
  }
}
