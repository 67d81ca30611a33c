package org.superres.cli;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.superres.config.ConfigError;
import org.superres.config.JobSettings;
import org.superres.config.Redaction;
import org.superres.job.EnhanceJob;
import org.superres.job.JobStages;
import org.superres.manifest.ManifestTotals;
import org.superres.plan.PlanWriter;
import org.superres.report.RunReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code enhance}: the main job. Prints one line per run; the exit code says how it went. */
@Command(
    name = "enhance",
    description =
        "Upscale every listed input and write the outputs, the manifest and the run summary.")
public final class EnhanceCommand implements Callable<Integer> {
  @Option(
      names = "--input",
      paramLabel = "URI_OR_GLOB",
      description = "a directory (listed recursively), glob or file; repeatable")
  List<String> inputs = new ArrayList<>();

  @Option(
      names = "--input-list",
      paramLabel = "URI",
      description =
          "a list of inputs: text (a URI a line), CSV/TSV with a header, Parquet, or an S3 Inventory"
              + " manifest.json; repeatable")
  List<String> inputLists = new ArrayList<>();

  @Option(
      names = "--input-root",
      paramLabel = "URI",
      description = "the listing root of --input-list inputs (default: their common directory)")
  String inputRoot;

  @Option(
      names = "--output",
      paramLabel = "URI",
      description = "where outputs, manifest and runs go")
  String output;

  @Option(
      names = "--plan-only",
      description = "write the plan (_runs/RUN_ID/plan, plan.json) and its totals; read no image")
  boolean planOnly;

  @Option(
      names = "--retry-failed",
      paramLabel = "RUN_ID|last",
      description =
          "run only the inputs that failed in that run (into their outputs, as a new run)")
  String retryFailed;

  @Option(
      names = "--since",
      paramLabel = "last|ISO_TIME",
      description = "only new or changed inputs (incremental.since)")
  String since;

  @Mixin ModelOptions model;
  @Mixin CommonOptions common;

  @Override
  public Integer call() throws Exception {
    JobSettings settings = common.settings(shorthands());
    // before starting Spark: usage errors must be instant
    EnhanceJob.checkInputAndOutput(settings, retryFailed != null);
    if (retryFailed != null && (!settings.inputs.isEmpty() || !settings.inputLists.isEmpty())) {
      throw new ConfigError("--retry-failed takes its inputs from that run: give no --input");
    }
    SparkSession spark = common.session("superres enhance", settings);
    try {
      if (planOnly) {
        PlanWriter.Totals t = job(spark, settings).planOnly();
        System.out.printf(
            "plan %s: %d inputs: %d to process (%d bytes), %d skipped (%d unchanged), %d plan errors,"
                + " %d partitions -> %s%n",
            t.runId,
            t.inputs,
            t.process,
            t.processBytes,
            t.skipped,
            t.unchanged,
            t.planErrors,
            t.partitions,
            t.plan);
        return 0;
      }
      EnhanceJob.Outcome outcome = runAndReport(job(spark, settings), spark, settings);
      ManifestTotals.Inputs n = outcome.summary.totals.inputs;
      System.out.printf(
          "run %s: %d ok, %d skipped, %d failed of %d -> %s/summary.json%n",
          outcome.runId, n.ok, n.skipped, n.failed, n.listed, outcome.layout.runDir(outcome.runId));
      if (outcome.exitCode == EnhanceJob.EXIT_FAILURES) {
        System.err.printf(
            "superres: error: %d of %d inputs failed (ratio %.4f > failures.max-ratio %.4f), mostly %s;"
                + " see errors_by_kind and failed_examples in summary.json%n",
            n.failed,
            n.listed,
            outcome.summary.failureRatio,
            settings.maxFailureRatio,
            outcome.summary.dominantErrors(3));
      }
      return outcome.exitCode;
    } finally {
      spark.stop();
    }
  }

  /**
   * The run, then its HTML report (report.enabled): what the command line does, for tools and tests
   * that run the job in this JVM. Storage refusals at start become one-line configuration errors.
   */
  public static EnhanceJob.Outcome runAndReport(SparkSession spark, JobSettings settings)
      throws IOException {
    return runAndReport(new EnhanceJob(spark, settings), spark, settings);
  }

  private static EnhanceJob.Outcome runAndReport(
      EnhanceJob job, SparkSession spark, JobSettings settings) throws IOException {
    EnhanceJob.Outcome outcome;
    try {
      outcome = job.run();
    } catch (IOException e) {
      String line = StorageAccessErrors.describe(e, spark.sparkContext().hadoopConfiguration());
      if (line != null) {
        throw new ConfigError(Redaction.scrub(line));
      }
      throw e;
    }
    if (settings.reportEnabled) {
      JobStages stages = new JobStages(spark.sparkContext(), outcome.runId);
      stages.begin(JobStages.Stage.REPORT);
      try {
        RunReportWriter.writeQuietly(
            outcome.manifest(spark),
            outcome.summary,
            outcome.layout,
            outcome.gallerySamples,
            settings.postProcess.description(),
            spark.sparkContext().hadoopConfiguration());
      } finally {
        stages.end();
      }
    }
    return outcome;
  }

  private EnhanceJob job(SparkSession spark, JobSettings settings) {
    EnhanceJob job = new EnhanceJob(spark, settings);
    return retryFailed != null ? job.retryFailed(retryFailed) : job;
  }

  private List<String> shorthands() {
    List<String> sets = new ArrayList<>();
    if (!inputs.isEmpty()) {
      sets.add("input=" + hocon(inputs));
    }
    if (!inputLists.isEmpty()) {
      sets.add("input-lists=" + hocon(inputLists));
    }
    if (inputRoot != null) {
      sets.add("input-root=" + inputRoot);
    }
    if (output != null) {
      sets.add("output.uri=" + output);
    }
    if (since != null) {
      sets.add("incremental.since=" + since);
    }
    sets.addAll(model.asSets());
    return sets;
  }

  private static String hocon(List<String> values) {
    return ConfigValueFactory.fromIterable(values).render(ConfigRenderOptions.concise());
  }
}
