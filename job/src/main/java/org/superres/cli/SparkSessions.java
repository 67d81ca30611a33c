package org.superres.cli;

import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.superres.config.ConfigError;

/**
 * Builds the session the way spark-submit users expect: properties from superres.spark, then --conf
 * (which wins), then --master; without any master (not under spark-submit) it runs embedded,
 * local[*].
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession create(
      String appName, String master, Map<String, String> configured, List<String> confArgs) {
    SparkConf conf = new SparkConf();
    configured.forEach(conf::set);
    for (String kv : confArgs) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new ConfigError("--conf " + kv + ": expected KEY=VALUE");
      }
      conf.set(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    conf.setIfMissing("spark.app.name", appName);
    // Manifest JSON Lines keep null columns (error: null) so every row has every column.
    conf.setIfMissing("spark.sql.jsonGenerator.ignoreNullFields", "false");
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    // Progress lines come from executor heartbeats; the default 10 s would halve their resolution.
    conf.setIfMissing("spark.executor.heartbeatInterval", "3s");
    // A command gets the session its options describe: getOrCreate would silently hand back a
    // session left
    // in this JVM by an earlier command (tests, embedding code) with its master and settings.
    scala.Option<SparkSession> previous = SparkSession.getDefaultSession();
    if (previous.isDefined()) {
      previous.get().stop();
    }
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
