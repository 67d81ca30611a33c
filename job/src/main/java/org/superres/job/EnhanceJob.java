package org.superres.job;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superres.config.ConfigError;
import org.superres.config.JobSettings;
import org.superres.engine.DeviceSelector;
import org.superres.engine.EngineException;
import org.superres.model.ModelCatalog;
import org.superres.model.ModelResolver;
import org.superres.model.ResolvedModel;
import org.superres.report.RunReportWriter;

/**
 * The enhance command on the driver: list, plan, ship the model, run the partitions, write the
 * manifest and summary, and decide the exit code. Each step is a small call; the work happens in
 * EnhancePartition.
 */
public final class EnhanceJob {
  private static final Logger LOG = LoggerFactory.getLogger(EnhanceJob.class);

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURES = 3;

  private final SparkSession spark;
  private final JobSettings settings;
  private java.util.function.Consumer<List<InputFile>> afterPlanning = inputs -> {};

  public EnhanceJob(SparkSession spark, JobSettings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  /**
   * Called on the driver once inputs are listed and planned, before any is read: lets tests change
   * the world between listing and reading (an input deleted meanwhile) the way a live bucket does.
   */
  public EnhanceJob afterPlanning(java.util.function.Consumer<List<InputFile>> hook) {
    this.afterPlanning = hook;
    return this;
  }

  /** What a finished run reports back to the command line and to tests. */
  public static final class Outcome {
    public final String runId;
    public final String outputRoot;
    public final RunSummary summary;
    public final int exitCode;

    Outcome(String runId, String outputRoot, RunSummary summary, int exitCode) {
      this.runId = runId;
      this.outputRoot = outputRoot;
      this.summary = summary;
      this.exitCode = exitCode;
    }
  }

  public static void checkInputAndOutput(JobSettings settings) {
    if (settings.inputs.isEmpty()) {
      throw new ConfigError("no input: give --input URI (or superres.input)");
    }
    if (settings.outputUri == null) {
      throw new ConfigError("no output: give --output URI (or superres.output.uri)");
    }
    try {
      DeviceSelector.checkBuildSupports(
          settings.backend); // cuda on the CPU jar: stop before any executor
    } catch (EngineException e) {
      throw new ConfigError(e.getMessage());
    }
  }

  public Outcome run() throws IOException {
    String runId = RunId.next();
    JobStages stages = new JobStages(spark.sparkContext(), runId);
    try {
      return run(runId, stages);
    } finally {
      stages.end();
    }
  }

  private Outcome run(String runId, JobStages stages) throws IOException {
    checkInputAndOutput(settings);
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path outRoot = new Path(settings.outputUri);
    OutputLayout layout =
        new OutputLayout(outRoot.getFileSystem(hadoop).makeQualified(outRoot).toString());

    stages.begin(JobStages.Stage.LISTING);
    ResolvedModel model = new ModelResolver(hadoop, ModelCatalog.load()).resolve(settings);
    List<InputFile> inputs = new InputLister(hadoop, settings.extensions).list(settings.inputs);
    IncrementalBaseline baseline = IncrementalBaseline.load(spark, layout, settings.since);
    RunPlanner planner = new RunPlanner(hadoop, settings, layout).withBaseline(baseline);
    planner.assignOutputs(inputs);
    int sampled =
        settings.reportEnabled
            ? ReportSampler.mark(
                inputs, settings.reportSamples, ReportSampler.assetsDir(layout, runId))
            : 0;
    afterPlanning.accept(inputs);
    List<List<InputFile>> bins =
        RunPlanner.partitions(inputs, settings.partitionTargetBytes, settings.partitionMaxFiles);
    LOG.info(
        "run {}: {} inputs in {} partitions, model {}, output {}",
        runId,
        inputs.size(),
        bins.size(),
        model.spec,
        layout.root());

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    jsc.addFile(model.uri);
    EnhancePartition.RunCounters counters = new EnhancePartition.RunCounters(spark.sparkContext());
    JavaRDD<ManifestRow> rows =
        jsc.parallelize(bins, Math.max(1, bins.size()))
            .mapPartitions(
                new EnhancePartition(
                    runId, settings, model.spec, model.fileName(), hadoop, counters));

    ManifestWriter manifest = new ManifestWriter(spark, layout, runId);
    double processingSeconds;
    stages.begin(JobStages.Stage.ENHANCE);
    try (ProgressReporter progress =
        new ProgressReporter(counters.imagesDone, inputs.size(), settings.progressSeconds)) {
      spark.sparkContext().addSparkListener(progress);
      try {
        long tp = System.nanoTime();
        manifest.writeParquet(rows);
        processingSeconds = (System.nanoTime() - tp) / 1e9;
      } finally {
        spark.sparkContext().removeSparkListener(progress);
      }
      progress.log();
    }
    stages.begin(JobStages.Stage.MANIFEST_COMMIT);
    new TemporaryOutputSweeper(hadoop).sweep(inputs);
    Dataset<Row> written = manifest.read().cache();
    manifest.writeJsonLines(written);

    RunSummary summary = RunSummary.of(written);
    written.unpersist();
    double wall = (System.nanoTime() - t0) / 1e9;
    int exit = summary.failureRatio() > settings.maxFailureRatio ? EXIT_FAILURES : EXIT_OK;
    summary.fields.put("run_id", runId);
    summary.fields.put("started_at", started.toString());
    summary.fields.put("finished_at", Instant.now().toString());
    summary.fields.put("wall_seconds", wall);
    // Throughput over the processing action itself (listing and the summary's own queries
    // excluded).
    summary.fields.put("processing_seconds", processingSeconds);
    summary.fields.put("throughput_images_per_second", summary.ok / processingSeconds);
    summary.fields.put(
        "throughput_input_megapixels_per_second",
        ((Number) summary.fields.get("ok_input_megapixels")).doubleValue() / processingSeconds);
    summary.fields.put("model", modelFields(model, counters));
    summary.fields.put("failure_ratio", summary.failureRatio());
    summary.fields.put("max_failure_ratio", settings.maxFailureRatio);
    summary.fields.put("exit_code", exit);
    if (settings.since != null) {
      summary.fields.put("incremental", incrementalFields(baseline, planner.unchangedCount()));
    }
    summary.fields.put("config", RunSummary.parseJson(settings.renderedJson));
    summary.write(layout.runDir(runId) + "/summary.json", hadoop);
    if (settings.reportEnabled) {
      stages.begin(JobStages.Stage.REPORT);
      RunReportWriter.writeQuietly(
          manifest.read(),
          summary.fields,
          layout,
          runId,
          sampled,
          settings.postProcess.description(),
          hadoop);
    }

    LOG.info(
        "run {} finished: {} ok, {} skipped, {} failed of {} in {} s; summary {}/summary.json",
        runId,
        summary.ok,
        summary.skipped,
        summary.failed,
        summary.listed,
        String.format("%.1f", wall),
        layout.runDir(runId));
    return new Outcome(runId, layout.root(), summary, exit);
  }

  private java.util.Map<String, Object> incrementalFields(
      IncrementalBaseline baseline, long unchanged) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("since", settings.since);
    m.put("baseline_run", baseline == null ? null : baseline.baselineRunId);
    m.put("unchanged_skipped", unchanged);
    return m;
  }

  private static java.util.Map<String, Object> modelFields(
      ResolvedModel model, EnhancePartition.RunCounters counters) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("name", model.spec.name());
    m.put("kind", model.spec.kind().opencvName());
    m.put("scale", model.spec.scale());
    m.put("sha256", model.spec.sha256());
    m.put("uri", model.uri);
    m.put("loads", counters.modelLoads.value());
    m.put("load_ms_total", counters.loadMs.value());
    m.put("warmup_ms_total", counters.warmupMs.value());
    return m;
  }
}
