package org.superres.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
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
import org.superres.manifest.ManifestRow;
import org.superres.manifest.ManifestTotals;
import org.superres.manifest.ManifestWriter;
import org.superres.manifest.RunSummary;
import org.superres.model.ModelCatalog;
import org.superres.model.ModelResolver;
import org.superres.model.ResolvedModel;
import org.superres.output.OutputLayout;

/**
 * The enhance command on the driver: list, plan, ship the model, run the partitions, write the
 * manifest and summary, and decide the exit code. Each step is a small call; the work happens in
 * EnhancePartition. What comes after a run (the HTML report) consumes its {@link Outcome}.
 */
public final class EnhanceJob {
  private static final Logger LOG = LoggerFactory.getLogger(EnhanceJob.class);

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURES = 3;

  private final SparkSession spark;
  private final JobSettings settings;
  private Consumer<List<PlannedInput>> afterPlanning = plan -> {};

  public EnhanceJob(SparkSession spark, JobSettings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  /**
   * Called on the driver once inputs are listed and planned, before any is read: lets tests change
   * the world between listing and reading (an input deleted meanwhile) the way a live bucket does.
   */
  public EnhanceJob afterPlanning(Consumer<List<PlannedInput>> hook) {
    this.afterPlanning = hook;
    return this;
  }

  /** What a finished run hands to the command line, the report and tests. */
  public static final class Outcome {
    public final String runId;
    public final OutputLayout layout;
    public final RunSummary summary;
    public final int exitCode;

    /** Inputs sampled for the report's gallery (their files are under layout.galleryDir). */
    public final int gallerySamples;

    Outcome(String runId, OutputLayout layout, RunSummary summary, int exitCode, int samples) {
      this.runId = runId;
      this.layout = layout;
      this.summary = summary;
      this.exitCode = exitCode;
      this.gallerySamples = samples;
    }

    /** The run's manifest rows, read back from its Parquet. */
    public Dataset<Row> manifest(SparkSession spark) {
      return new ManifestWriter(spark, layout, runId).read();
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
      // cuda on the CPU jar: stop before any executor
      DeviceSelector.checkBuildSupports(settings.backend);
    } catch (EngineException e) {
      throw new ConfigError(e.getMessage());
    }
  }

  public Outcome run() throws IOException {
    checkInputAndOutput(settings);
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path outRoot = new Path(settings.outputUri);
    OutputLayout layout =
        new OutputLayout(outRoot.getFileSystem(hadoop).makeQualified(outRoot).toString());
    String runId = RunId.next();

    ResolvedModel model = new ModelResolver(hadoop, ModelCatalog.load()).resolve(settings);
    List<InputFile> inputs = new InputLister(hadoop, settings.extensions).list(settings.inputs);
    IncrementalBaseline baseline = IncrementalBaseline.load(spark, layout, settings.since);
    RunPlanner planner = new RunPlanner(hadoop, settings, layout).withBaseline(baseline);
    List<PlannedInput> plan = planner.plan(inputs);
    int sampled =
        settings.reportEnabled
            ? ReportSampler.sample(plan, settings.reportSamples, layout.galleryDir(runId))
            : 0;
    afterPlanning.accept(plan);
    List<List<PlannedInput>> bins =
        RunPlanner.partitions(plan, settings.partitionTargetBytes, settings.partitionMaxFiles);
    LOG.info(
        "run {}: {} inputs in {} partitions, model {}, output {}",
        runId,
        plan.size(),
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
    try (ProgressReporter progress =
        new ProgressReporter(counters.imagesDone, plan.size(), settings.progressSeconds)) {
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
    new TemporaryOutputSweeper(hadoop).sweep(plan);
    Dataset<Row> written = manifest.read().cache();
    manifest.writeJsonLines(written);
    ManifestTotals totals = ManifestTotals.of(written);
    written.unpersist();

    RunSummary summary = new RunSummary();
    summary.totals = totals;
    summary.runId = runId;
    summary.startedAt = started.toString();
    summary.finishedAt = Instant.now().toString();
    summary.wallSeconds = (System.nanoTime() - t0) / 1e9;
    summary.processingSeconds = processingSeconds;
    summary.throughputImagesPerSecond = totals.inputs.ok / processingSeconds;
    summary.throughputInputMegapixelsPerSecond = totals.okInputMegapixels / processingSeconds;
    summary.model = modelUse(model, counters);
    summary.failureRatio =
        totals.inputs.listed == 0 ? 0 : (double) totals.inputs.failed / totals.inputs.listed;
    summary.maxFailureRatio = settings.maxFailureRatio;
    summary.exitCode = summary.failureRatio > settings.maxFailureRatio ? EXIT_FAILURES : EXIT_OK;
    if (settings.since != null) {
      summary.incremental = new RunSummary.Incremental();
      summary.incremental.since = settings.since;
      summary.incremental.baselineRun = baseline == null ? null : baseline.baselineRunId;
      summary.incremental.unchangedSkipped = planner.unchangedCount();
    }
    summary.config = configJson();
    summary.write(layout.runDir(runId) + "/summary.json", hadoop);

    LOG.info(
        "run {} finished: {} ok, {} skipped, {} failed of {} in {} s; summary {}/summary.json",
        runId,
        totals.inputs.ok,
        totals.inputs.skipped,
        totals.inputs.failed,
        totals.inputs.listed,
        String.format("%.1f", summary.wallSeconds),
        layout.runDir(runId));
    return new Outcome(runId, layout, summary, summary.exitCode, sampled);
  }

  private com.fasterxml.jackson.databind.JsonNode configJson() {
    try {
      return RunSummary.JSON.readTree(settings.renderedJson);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the rendered configuration is not JSON", e);
    }
  }

  private static RunSummary.ModelUse modelUse(
      ResolvedModel model, EnhancePartition.RunCounters counters) {
    RunSummary.ModelUse m = new RunSummary.ModelUse();
    m.name = model.spec.name();
    m.kind = model.spec.kind().opencvName();
    m.scale = model.spec.scale();
    m.sha256 = model.spec.sha256();
    m.uri = model.uri;
    m.loads = counters.modelLoads.value();
    m.loadMsTotal = counters.loadMs.value();
    m.warmupMsTotal = counters.warmupMs.value();
    return m;
  }
}
