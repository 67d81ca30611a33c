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
import org.superres.manifest.ManifestTotals;
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
      names = "--output",
      paramLabel = "URI",
      description = "where outputs, manifest and runs go")
  String output;

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
    EnhanceJob.checkInputAndOutput(settings); // before starting Spark: usage errors must be instant
    SparkSession spark = common.session("superres enhance", settings);
    try {
      EnhanceJob.Outcome outcome = runAndReport(spark, settings);
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
    EnhanceJob.Outcome outcome;
    try {
      outcome = new EnhanceJob(spark, settings).run();
    } catch (IOException e) {
      String line = StorageAccessErrors.describe(e, spark.sparkContext().hadoopConfiguration());
      if (line != null) {
        throw new ConfigError(Redaction.scrub(line));
      }
      throw e;
    }
    if (settings.reportEnabled) {
      RunReportWriter.writeQuietly(
          outcome.manifest(spark),
          outcome.summary,
          outcome.layout,
          outcome.gallerySamples,
          settings.postProcess.description(),
          spark.sparkContext().hadoopConfiguration());
    }
    return outcome;
  }

  private List<String> shorthands() {
    List<String> sets = new ArrayList<>();
    if (!inputs.isEmpty()) {
      String list = ConfigValueFactory.fromIterable(inputs).render(ConfigRenderOptions.concise());
      sets.add("input=" + list);
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
}
