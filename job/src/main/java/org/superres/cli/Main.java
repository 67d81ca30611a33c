package org.superres.cli;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.superres.config.ConfigError;
import org.superres.config.ConfigLoader;
import org.superres.config.JobSettings;
import org.superres.config.Redaction;
import org.superres.engine.EngineException;
import org.superres.job.EnhanceJob;

/**
 * {@code superres <command> [options]}. Exit codes: 0 all inputs ok or skipped; 2 bad usage or
 * configuration; 3 the run finished with failures over failures.max-ratio; 1 anything else. Errors print
 * one line saying what, which input or key, and what to do.
 */
public final class Main {
  static final List<String> COMMON = Arrays.asList("master", "conf", "config", "set");
  static final String USAGE = String.join("\n",
      "usage: superres <command> [options]",
      "  enhance --input URI_OR_GLOB [--input ...] --output URI [--model NAME_OR_URI] [--scale N]",
      "          [--since last|ISO_TIME]   (only new or changed inputs; see incremental.since)",
      "  eval --dataset DIR [--model NAME_OR_URI] [--scale N] [--json FILE]",
      "  bench [--sizes 256,1024] [--repeats N] [--json FILE]",
      "  models list | verify | fetch NAME [--from DIR_OR_BUCKET]",
      "every command: [--config FILE] [--set key=value ...] [--master URL] [--conf KEY=VALUE ...]");

  private Main() {}

  public static void main(String[] argv) {
    System.exit(run(argv));
  }

  public static int run(String[] argv) {
    if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
      System.out.println(USAGE);
      return argv.length == 0 ? 2 : 0;
    }
    try {
      switch (argv[0]) {
        case "enhance":
          return enhance(Args.parse(argv, with("input", "output", "model", "scale", "since")));
        case "eval":
          return EvalCommand.run(Args.parse(argv, with("dataset", "model", "scale", "json")));
        case "bench":
          return BenchCommand.run(Args.parse(argv, with(BenchCommand.OPTIONS)));
        case "models":
          return ModelsCommand.run(Args.parse(argv, with("from")));
        default:
          throw new ConfigError("unknown command '" + argv[0] + "'\n" + USAGE);
      }
    } catch (ConfigError e) {
      System.err.println("superres: error: " + e.getMessage());
      return 2;
    } catch (EngineException e) {
      System.err.println("superres: error: " + e.kind() + ": " + e.getMessage());
      return 1;
    } catch (Exception e) {
      EngineException engine = engineCause(e);
      System.err.println("superres: error: "
          + (engine != null ? engine.kind() + ": " + scrub(engine.getMessage()) : rootMessage(e)));
      return 1;
    }
  }

  private static int enhance(Args a) throws Exception {
    JobSettings settings = settings(a, true);
    EnhanceJob.checkInputAndOutput(settings); // before starting Spark: usage errors must be instant
    SparkSession spark = SparkSessions.create("superres enhance", a.one("master"), settings.sparkProperties,
        a.all("conf"));
    try {
      EnhanceJob.Outcome outcome;
      try {
        outcome = new EnhanceJob(spark, settings).run();
      } catch (java.io.IOException e) {
        String line = StorageAccessErrors.describe(e, spark.sparkContext().hadoopConfiguration());
        if (line != null) {
          throw new ConfigError(scrub(line));
        }
        throw e;
      }
      System.out.printf("run %s: %d ok, %d skipped, %d failed of %d -> %s/_runs/%s/summary.json%n",
          outcome.runId, outcome.summary.ok, outcome.summary.skipped, outcome.summary.failed,
          outcome.summary.listed, outcome.outputRoot, outcome.runId);
      if (outcome.exitCode == EnhanceJob.EXIT_FAILURES) {
        System.err.printf("superres: error: %d of %d inputs failed (ratio %.4f > failures.max-ratio %.4f), "
                + "mostly %s; see errors_by_kind and failed_examples in summary.json%n", outcome.summary.failed,
            outcome.summary.listed, outcome.summary.failureRatio(), settings.maxFailureRatio,
            outcome.summary.dominantErrors(3));
      }
      return outcome.exitCode;
    } finally {
      spark.stop();
    }
  }

  /** Config from files, --set and the command's own options (which are --set shorthands). */
  static JobSettings settings(Args a, boolean withIo) {
    List<String> sets = new ArrayList<>();
    if (withIo) {
      List<String> inputs = a.all("input");
      if (!inputs.isEmpty()) {
        sets.add("input=" + com.typesafe.config.ConfigValueFactory.fromIterable(inputs).render(
            com.typesafe.config.ConfigRenderOptions.concise()));
      }
      if (a.one("output") != null) {
        sets.add("output.uri=" + a.one("output"));
      }
      if (a.one("since") != null) {
        sets.add("incremental.since=" + a.one("since"));
      }
    }
    String model = a.has("model") ? a.one("model") : null;
    if (model != null) {
      sets.add(model.contains("/") || model.endsWith(".pb") ? "model.uri=" + model : "model.name=" + model);
    }
    if (a.one("scale") != null) {
      sets.add("model.scale=" + a.one("scale"));
    }
    sets.addAll(a.all("set"));
    Config config = ConfigLoader.load(a.one("config"), sets);
    return JobSettings.from(config);
  }

  private static List<String> with(String... own) {
    List<String> all = new ArrayList<>(COMMON);
    all.addAll(Arrays.asList(own));
    return all;
  }

  /**
   * An engine error that failed a task, and with it the job (an executor that cannot run the configured
   * device): its own message says what to do, Spark's wrapping around it does not.
   */
  static EngineException engineCause(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof EngineException) {
        return (EngineException) t;
      }
    }
    return null;
  }

  /** The innermost cause's message: what actually went wrong, without Spark's wrapping. */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String msg = t.getMessage() == null ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    return scrub(msg.split("\n")[0]);
  }

  /** Credentials never reach the console, even inside exception texts. */
  /** Masks credential values in a message; "access=READ" (an HDFS permission) is not one. */
  static String scrub(String s) {
    return s.replaceAll("(?i)(secret|session|access[._-]?key)([._-]?key)?=[^&\\s,;]+", "$1$2=***");
  }

  static boolean isSecret(String key) {
    return Redaction.isSecretKey(key);
  }
}
