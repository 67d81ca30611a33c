package org.superres.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.superres.config.ConfigLoader;
import org.superres.config.JobSettings;
import org.superres.job.EnhanceJob;

/** One local[2] Spark session for the whole test JVM, plus helpers to run the job like the CLI does. */
public abstract class SparkTestBase {
  protected static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    // Tests that run the CLI in this JVM stop the session they used: start a new one when needed.
    if (spark == null || spark.sparkContext().isStopped()) {
      spark = SparkSession.builder()
          .master("local[2]")
          .appName("superres-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.sql.jsonGenerator.ignoreNullFields", "false")
          .config("spark.executor.heartbeatInterval", "3s")
          .getOrCreate();
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
