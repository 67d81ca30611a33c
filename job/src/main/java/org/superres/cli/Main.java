package org.superres.cli;

import java.io.PrintWriter;
import org.superres.config.ConfigError;
import org.superres.config.Redaction;
import org.superres.engine.EngineException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code superres <command> [options]}. Exit codes: 0 all inputs ok or skipped; 2 bad usage or
 * configuration; 3 the run finished with failures over failures.max-ratio; 1 anything else. Errors
 * print one line saying what, which input or key, and what to do.
 */
public final class Main {
  public static final int EXIT_ERROR = 1;
  public static final int EXIT_USAGE = 2;

  private Main() {}

  public static void main(String[] argv) {
    int code = run(argv);
    if (inYarnApplicationMaster()) {
      // The application master ends this JVM itself once it has told YARN how the run went: a
      // System.exit here, even exit(0), makes YARN record FAILED ("Shutdown hook called before
      // final status was reported", exit code 16). A failed run is reported by throwing.
      if (code != 0) {
        throw new IllegalStateException("superres exited with code " + code + " (see above)");
      }
      return;
    }
    System.exit(code);
  }

  /** YARN cluster mode: the driver runs in Spark's ApplicationMaster, which sets these. */
  static boolean inYarnApplicationMaster() {
    return "yarn".equals(System.getProperty("spark.master"))
        && "cluster".equals(System.getProperty("spark.submit.deployMode"));
  }

  public static int run(String[] argv) {
    return commandLine().execute(argv);
  }

  /** The job's commands with the project's error handling; the tools add theirs to it. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new SuperresCommand());
    cli.setParameterExceptionHandler(Main::usageError);
    cli.setExecutionExceptionHandler((e, command, parsed) -> failure(e, command.getErr()));
    return cli;
  }

  private static int usageError(ParameterException e, String[] argv) {
    CommandLine command = e.getCommandLine();
    command
        .getErr()
        .println(
            "superres: error: "
                + usageMessage(e)
                + " (see "
                + command.getCommandSpec().qualifiedName()
                + " --help)");
    return EXIT_USAGE;
  }

  private static String usageMessage(ParameterException e) {
    if (e instanceof UnmatchedArgumentException) {
      String first = ((UnmatchedArgumentException) e).getUnmatched().get(0);
      String command = e.getCommandLine().getCommandName();
      if (first.startsWith("-")) {
        return "unknown option " + first.replaceFirst("=.*", "") + " for '" + command + "'";
      }
      if (e.getCommandLine().getParent() == null) {
        return "unknown command '"
            + first
            + "'"
            + ("bench".equals(first)
                ? ": bench is a tool beside the job jar, run submit/bench"
                : "");
      }
      return "unexpected argument '" + first + "' for '" + command + "'";
    }
    return e.getMessage();
  }

  private static int failure(Exception e, PrintWriter err) {
    if (e instanceof ConfigError) {
      err.println("superres: error: " + e.getMessage());
      return EXIT_USAGE;
    }
    EngineException engine = engineCause(e);
    err.println(
        "superres: error: "
            + (engine != null
                ? engine.kind() + ": " + Redaction.scrub(engine.getMessage())
                : rootMessage(e)));
    return EXIT_ERROR;
  }

  /**
   * An engine error that failed a task, and with it the job (an executor that cannot run the
   * configured device): its own message says what to do, Spark's wrapping around it does not.
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
    String msg =
        t.getMessage() == null
            ? t.getClass().getName()
            : t.getClass().getSimpleName() + ": " + t.getMessage();
    return Redaction.scrub(msg.split("\n")[0]);
  }
}
