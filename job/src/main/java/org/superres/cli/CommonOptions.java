package org.superres.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.superres.config.ConfigLoader;
import org.superres.config.JobSettings;
import picocli.CommandLine.Option;

/**
 * The options every command takes: configuration (files and --set) and Spark (--master, --conf).
 */
public final class CommonOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON file read over conf/application.conf")
  String config;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "a configuration value, e.g. tiling.tile=256 (repeatable; of two for one key, the first wins)")
  List<String> sets = new ArrayList<>();

  @Option(
      names = "--master",
      paramLabel = "URL",
      description = "Spark master (default: spark-submit's, else local[*])")
  String master;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      description = "a Spark or Hadoop property, as spark-submit's --conf (repeatable)")
  List<String> conf = new ArrayList<>();

  /**
   * The validated configuration. {@code shorthands} are the command's own options (--output,
   * --model, ...) as --set lines: they come first, so they win over --set, as they always have.
   */
  public JobSettings settings(List<String> shorthands) {
    List<String> all = new ArrayList<>(shorthands);
    all.addAll(sets);
    return JobSettings.from(ConfigLoader.load(config, all));
  }

  public SparkSession session(String appName, JobSettings settings) {
    return SparkSessions.create(appName, master, settings.sparkProperties, conf);
  }

  public String master() {
    return master;
  }
}
