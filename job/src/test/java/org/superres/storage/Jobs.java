package org.superres.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.superres.cli.Main;

/** Runs the enhance command the way users do: through Main, with --conf properties. */
final class Jobs {
  private Jobs() {}

  static List<String> enhance(String input, String output, String model, String... extra) {
    List<String> argv =
        new ArrayList<>(
            Arrays.asList(
                "enhance",
                "--input",
                input,
                "--output",
                output,
                "--model",
                model,
                "--set",
                "progress.interval-seconds=2"));
    argv.addAll(Arrays.asList(extra));
    return argv;
  }

  /**
   * Main.run in this JVM; Hadoop's FileSystem cache is cleared first, so each run sees its own
   * settings.
   */
  static int runInProcess(List<String> argv) throws Exception {
    FileSystem.closeAll();
    return Main.run(argv.toArray(new String[0]));
  }
}
