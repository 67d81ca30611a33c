package org.superres.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.superres.config.ConfigLoader;
import org.superres.config.JobSettings;
import org.superres.job.EnhanceJob;

/**
 * A local[2] Spark session for one test class, stopped after it: no class inherits a session (with
 * another master or settings) from the one before, whatever order the classes run in.
 */
public abstract class SparkTestBase {
  protected static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    // Tests that run the CLI in this JVM stop the session they used: start a new one when needed.
    if (spark == null || spark.sparkContext().isStopped()) {
      SparkSession.getDefaultSession()
          .foreach(
              left -> {
                left.stop(); // a session some other code left running: never reuse its settings
                return null;
              });
      spark =
          SparkSession.builder()
              .master("local[2]")
              .appName("superres-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.sql.jsonGenerator.ignoreNullFields", "false")
              .config("spark.executor.heartbeatInterval", "3s")
              .getOrCreate();
    }
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
  }

  /** Settings from reference.conf plus --set style overrides. */
  protected static JobSettings settings(String... sets) {
    List<String> all = new ArrayList<>(Arrays.asList(sets));
    return JobSettings.from(ConfigLoader.load(null, all));
  }

  protected static EnhanceJob.Outcome enhance(String... sets) throws Exception {
    return new EnhanceJob(spark, settings(sets)).run();
  }
}
