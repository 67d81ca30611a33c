package org.superres.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.superres.config.ConfigLoader;
import org.superres.config.JobSettings;
import org.superres.job.EnhanceJob;

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
    // the
    // bench changes them between runs, so it sets them itself (a negative count restores OpenCV's
    // default).
    ThreadSetting.apply(threads);
    EnhanceJob.Outcome outcome = new EnhanceJob(spark, settings).run();
    boolean skipRun = !overrides.isEmpty();
    if ((skipRun ? outcome.summary.skipped : outcome.summary.ok) != outcome.summary.listed) {
      throw new IllegalStateException(
          "bench job run "
              + outcome.runId
              + ": only "
              + outcome.summary.ok
              + " of "
              + outcome.summary.listed
              + " images ok; see "
              + outcome.outputRoot
              + "/_runs/"
              + outcome.runId);
    }
    Map<String, Object> f = outcome.summary.fields;
    double seconds = ((Number) f.get("processing_seconds")).doubleValue();
    long pixels = Math.round(((Number) f.get("ok_input_megapixels")).doubleValue() * 1e6);
    int n = (int) (skipRun ? outcome.summary.skipped : outcome.summary.ok);
    Map<String, Double> stages = new LinkedHashMap<>();
    stages.put("load", 0.0);
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> st = (Map<String, Map<String, Object>>) f.get("stages_ms");
    for (String s : new String[] {"read", "decode", "infer", "encode", "write"}) {
      stages.put(
          s, ((Number) st.get(s).get("sum")).doubleValue() / Math.max(1, outcome.summary.ok));
    }
    PassResult r = new PassResult(n, pixels, seconds, stages);
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) f.get("model");
    r.extra.put("wall_seconds", f.get("wall_seconds"));
    r.extra.put("model_loads", m.get("loads"));
    r.extra.put("model_load_ms", m.get("load_ms_total"));
    return r;
  }
}
