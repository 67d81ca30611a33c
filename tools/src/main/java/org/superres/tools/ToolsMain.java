package org.superres.tools;

import org.superres.bench.BenchCommand;
import org.superres.cli.Main;

/**
 * The command line of a checkout ({@code submit/superres}): the job's commands plus the tools that
 * do not ship in the job jar (bench). Same options, errors and exit codes as the job's Main.
 */
public final class ToolsMain {
  private ToolsMain() {}

  public static void main(String[] argv) {
    System.exit(run(argv));
  }

  public static int run(String[] argv) {
    return Main.commandLine().addSubcommand(new BenchCommand()).execute(argv);
  }
}
