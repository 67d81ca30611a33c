package org.superres.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
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
import org.superres.listing.InputSource;
import org.superres.manifest.ManifestRow;
import org.superres.manifest.ManifestTotals;
import org.superres.manifest.ManifestWriter;
import org.superres.manifest.RunSummary;
import org.superres.model.ModelCatalog;
import org.superres.model.ModelResolver;
import org.superres.model.ResolvedModel;
import org.superres.output.OutputLayout;
import org.superres.plan.IncrementalBaseline;
import org.superres.plan.PartitionRule;
import org.superres.plan.Plan;
import org.superres.plan.PlanLayout;
import org.superres.plan.PlanWriter;
import org.superres.plan.RetryFailed;
import org.superres.plan.RunPlanner;

/**
 * The enhance command on the driver: list, plan, ship the model, run the partitions, write the
 * manifest and summary, and decide the exit code. Each step is a small call; listing and planning
 * are Dataset operations (the driver never holds the list), the work happens in EnhancePartition.
 * What comes after a run (the HTML report) consumes its {@link Outcome}.
 */
public final class EnhanceJob {
  private static final Logger LOG = LoggerFactory.getLogger(EnhanceJob.class);

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURES = 3;

  private final SparkSession spark;
  private final JobSettings settings;
  private Runnable afterPlanning = () -> {};
  private String retryFailed;

  public EnhanceJob(SparkSession spark, JobSettings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  /**
   * Called on the driver once inputs are listed and planned, before any is read: lets tests change
   * the world between listing and reading (an input deleted meanwhile) the way a live bucket does.
   */
  public EnhanceJob afterPlanning(Runnable hook) {
    this.afterPlanning = hook;
    return this;
  }

  /**
   * Runs the inputs that failed in an earlier run (RUN_ID, or "last") instead of listing --input;
   * they are processed whatever output.mode says, into the output paths they had.
   */
  public EnhanceJob retryFailed(String runId) {
    this.retryFailed = runId;
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

  /** Usage errors found before Spark starts: they must be instant. */
  public static void checkInputAndOutput(JobSettings settings, boolean retrying) {
    if (settings.outputUri == null) {
      throw new ConfigError("no output: give --output URI (or superres.output.uri)");
    }
    if (!retrying && settings.inputs.isEmpty() && settings.inputLists.isEmpty()) {
      throw new ConfigError(
          "no input: give --input URI or --input-list URI (or superres.input, superres.input-lists)");
    }
    InputSource.checkNotInsideOutput(settings);
    try {
      // cuda on the CPU jar: stop before any executor
      DeviceSelector.checkBuildSupports(settings.backend);
    } catch (EngineException e) {
      throw new ConfigError(e.getMessage());
    }
  }

  /** What the listing and the planner made of the inputs, laid out in partitions. */
  private static final class Prepared {
    final String runId;
    final OutputLayout layout;
    final IncrementalBaseline baseline;
    final Plan plan;
    final PlanLayout.Result laid;
    final int filesPerPartition;
    final ResolvedModel model;

    Prepared(
        String runId,
        OutputLayout layout,
        IncrementalBaseline baseline,
        Plan plan,
        PlanLayout.Result laid,
        int filesPerPartition,
        ResolvedModel model) {
      this.runId = runId;
      this.layout = layout;
      this.model = model;
      this.baseline = baseline;
      this.plan = plan;
      this.laid = laid;
      this.filesPerPartition = filesPerPartition;
    }

    void release() {
      laid.rows.unpersist();
      plan.release();
    }
  }

  private Prepared prepare(String runId, JobStages stages) throws IOException {
    checkInputAndOutput(settings, retryFailed != null);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    boundObjectStoreReads(hadoop, settings.inputTimeoutMillis);
    Path outRoot = new Path(settings.outputUri);
    OutputLayout layout =
        new OutputLayout(outRoot.getFileSystem(hadoop).makeQualified(outRoot).toString());
    stages.begin(JobStages.Stage.LISTING);
    // The model first: a missing or damaged model stops the run before any listing.
    ResolvedModel model = new ModelResolver(hadoop, ModelCatalog.load()).resolve(settings);
    Dataset<Row> listed;
    IncrementalBaseline baseline = null;
    JobSettings.OutputMode mode = settings.outputMode;
    if (retryFailed != null) {
      String retried = RetryFailed.runId(hadoop, layout, retryFailed);
      LOG.info("run {}: retrying the failed inputs of run {}", runId, retried);
      listed = RetryFailed.listed(spark, layout, retried);
      mode = JobSettings.OutputMode.OVERWRITE;
    } else {
      listed = InputSource.listed(spark, settings, layout);
      baseline = IncrementalBaseline.load(spark, layout, settings.since);
    }
    Plan plan = new RunPlanner(spark, settings, layout, baseline, mode).plan(listed);
    int slots = JavaSparkContext.fromSparkContext(spark.sparkContext()).defaultParallelism();
    int files =
        PartitionRule.filesPerPartition(
            plan.process, slots, settings.partitionsPerSlot, settings.partitionMaxFiles);
    PlanLayout.Result laid =
        new PlanLayout(
                PartitionRule.bytesPerPartition(plan.processBytes, settings.partitionTargetBytes),
                files)
            .layOut(
                spark,
                plan,
                settings.reportEnabled ? settings.reportSamples : 0,
                layout.galleryDir(runId));
    LOG.info(
        "run {}: {} inputs ({} to process, {} skipped, {} plan errors) in {} partitions"
            + " (at most {} to process each; {} task slots), output {}",
        runId,
        plan.listed,
        plan.process,
        plan.skipped,
        plan.planErrors,
        laid.partitions,
        files,
        slots,
        layout.root());
    return new Prepared(runId, layout, baseline, plan, laid, files, model);
  }

  /** --plan-only: the plan and its totals under _runs/RUN_ID/, and no image read. */
  public PlanWriter.Totals planOnly() throws IOException {
    String runId = RunId.next();
    JobStages stages = new JobStages(spark.sparkContext(), runId);
    try {
      Prepared p = prepare(runId, stages);
      try {
        return PlanWriter.write(p.laid, p.plan, p.layout, p.runId, p.filesPerPartition);
      } finally {
        p.release();
      }
    } finally {
      stages.end();
    }
  }

  public Outcome run() throws IOException {
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    String runId = RunId.next();
    JobStages stages = new JobStages(spark.sparkContext(), runId);
    try {
      Prepared p = prepare(runId, stages);
      try {
        return process(p, started, t0, stages);
      } finally {
        p.release();
      }
    } finally {
      stages.end();
    }
  }

  private Outcome process(Prepared p, Instant started, long t0, JobStages stages)
      throws IOException {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    ResolvedModel model = p.model;
    afterPlanning.run();
    LOG.info("run {}: model {}", p.runId, model.spec);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    jsc.addFile(model.uri);
    EnhancePartition.RunCounters counters = new EnhancePartition.RunCounters(spark.sparkContext());
    JavaRDD<ManifestRow> rows =
        p.laid
            .inputs()
            .mapPartitions(
                new EnhancePartition(
                    p.runId, settings, model.spec, model.fileName(), hadoop, counters));

    ManifestWriter manifest = new ManifestWriter(spark, p.layout, p.runId);
    double processingSeconds;
    stages.begin(JobStages.Stage.ENHANCE);
    try (ProgressReporter progress =
        new ProgressReporter(counters.imagesDone, p.plan.listed, settings.progressSeconds)) {
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
    TemporaryOutputSweeper.sweep(p.laid.rows, hadoop);
    Dataset<Row> written = manifest.read().cache();
    manifest.writeJsonLines(written);
    ManifestTotals totals = ManifestTotals.of(written);
    written.unpersist();

    RunSummary summary = new RunSummary();
    summary.totals = totals;
    summary.runId = p.runId;
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
    if (settings.since != null && retryFailed == null) {
      summary.incremental = new RunSummary.Incremental();
      summary.incremental.since = settings.since;
      summary.incremental.baselineRun = p.baseline == null ? null : p.baseline.baselineRunId;
      summary.incremental.unchangedSkipped = p.plan.unchanged;
    }
    summary.config = configJson();
    summary.write(p.layout.runDir(p.runId) + "/summary.json", hadoop);

    LOG.info(
        "run {} finished: {} ok, {} skipped, {} failed of {} in {} s; summary {}/summary.json",
        p.runId,
        totals.inputs.ok,
        totals.inputs.skipped,
        totals.inputs.failed,
        totals.inputs.listed,
        String.format("%.1f", summary.wallSeconds),
        p.layout.runDir(p.runId));
    return new Outcome(p.runId, p.layout, summary, summary.exitCode, p.laid.gallerySamples);
  }

  /**
   * A read that stalls with its connection open (the server accepted, then sends nothing) holds its
   * thread for S3A's socket timeout, 200 s per attempt by default: unless the user set it, it is
   * bounded by limits.input-timeout too, so that a thread the watchdog gave up on returns soon.
   */
  static void boundObjectStoreReads(Configuration hadoop, long timeoutMillis) {
    String key = "fs.s3a.connection.timeout";
    String[] sources = hadoop.getPropertySources(key);
    boolean byUser = false;
    if (sources != null) {
      for (String source : sources) {
        byUser |= !source.endsWith("-default.xml");
      }
    }
    if (timeoutMillis > 0 && !byUser && hadoop.getLong(key, Long.MAX_VALUE) > timeoutMillis) {
      hadoop.setLong(key, timeoutMillis);
    }
  }

  private JsonNode configJson() {
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
