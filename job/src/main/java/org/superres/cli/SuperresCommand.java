package org.superres.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top of the command line: {@code superres <command> [options]}; alone, it prints the usage.
 */
@Command(
    name = "superres",
    synopsisHeading = "usage: ",
    mixinStandardHelpOptions = true,
    version = "superres 0.1.0-SNAPSHOT",
    description = "Super-resolution for image archives, on Spark.",
    subcommands = {EnhanceCommand.class, EvalCommand.class, ModelsCommand.class, HelpCommand.class},
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  all inputs ok or skipped",
      "  1  anything else (the error line says what)",
      "  2  bad usage or configuration, or storage unreachable or refused at start",
      "  3  the run finished, but failures exceeded failures.max-ratio"
    })
public final class SuperresCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return Main.EXIT_USAGE;
  }
}
