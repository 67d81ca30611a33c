package org.superres.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.ListObjectsV2Request;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.superres.testing.Fixtures;

/**
 * The S3 server is stopped in the middle of a run and started again a few seconds later: S3A's
 * retries (settings as in docs/storage.md) carry the run through, every input has one manifest row,
 * and every output object is a whole image.
 */
class S3OutageFaultTest {
  private static final String BUCKET = "outage";
  private static S3ProxyServer s3;

  @BeforeAll
  static void start() throws Exception {
    java.nio.file.Path localModel = Fixtures.ownModel();
    s3 = S3ProxyServer.start("outage");
    s3.createBucket(BUCKET);
    try (FileSystem fs = s3.fs(BUCKET)) {
      // S3A never deletes a bucket's root: clear what earlier runs left, prefix by prefix.
      for (String prefix : new String[] {"scans", "enhanced", "models"}) {
        fs.delete(new Path("s3a://" + BUCKET + "/" + prefix), true);
      }
      SmallImages.write(fs, new Path("s3a://" + BUCKET + "/scans"), 24, 96, 72);
      fs.copyFromLocalFile(
          new Path(localModel.toUri()),
          new Path("s3a://" + BUCKET + "/models/superres-edsr-x3.pb"));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void runSurvivesTheServerGoingAwayAndComingBack() throws Exception {
    int inputs = 24;
    String out = "s3a://" + BUCKET + "/enhanced";
    List<String> argv =
        Jobs.enhance(
            "s3a://" + BUCKET + "/scans/*.png",
            out,
            "s3a://" + BUCKET + "/models/superres-edsr-x3.pb",
            "--master",
            "local[2]",
            "--set",
            "partitions.max-files=2",
            "--set",
            "device.threads=1",
            "--conf",
            "spark.extraListeners=" + TaskFailureCounter.class.getName(),
            // What docs/storage.md recommends for flaky endpoints: S3A retries connectivity
            // failures
            // this long.
            "--conf",
            "spark.hadoop.fs.s3a.retry.limit=20",
            "--conf",
            "spark.hadoop.fs.s3a.retry.interval=1s",
            "--conf",
            "spark.hadoop.fs.s3a.attempts.maximum=10");
    argv.addAll(s3.confArgs(true));
    TaskFailureCounter.reset();

    ExecutorService runner = Executors.newSingleThreadExecutor();
    Future<Integer> exit = runner.submit(() -> Jobs.runInProcess(argv));
    AmazonS3 client = s3.client();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
    int before = 0;
    while (!exit.isDone() && System.nanoTime() < deadline && (before = outputs(client)) < 3) {
      Thread.sleep(200);
    }
    assertTrue(
        before >= 3 && before < inputs && !exit.isDone(),
        "the run must be midway when the server stops");
    long t0 = System.nanoTime();
    s3.stop();
    Thread.sleep(4000);
    s3.restart();
    double outageSeconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, (int) exit.get(10, TimeUnit.MINUTES));
    runner.shutdown();
    Map<String, Long> s3aRetries = s3aRetryCounters();

    try (FileSystem fs = s3.fs(BUCKET)) {
      List<String> runs = StorageFixtures.runDirs(fs, new Path(out));
      List<JsonNode> rows = StorageFixtures.manifest(fs, runs.get(runs.size() - 1));
      Set<String> distinct = new HashSet<>();
      List<String> notOk = new ArrayList<>();
      int reprocessed = 0;
      for (JsonNode r : rows) {
        distinct.add(r.get("input_uri").asText());
        if (!"ok".equals(r.get("status").asText())) {
          notOk.add(r.toString());
        }
        if (r.get("task_attempt").asInt() > 0) {
          reprocessed++;
        }
      }
      int duplicates = rows.size() - distinct.size();
      int lost = inputs - distinct.size();
      System.out.printf(
          "[storage] fault s3-outage: server down %.1f s after %d outputs; inputs %d, rows %d, "
              + "failed task attempts (retried) %d, rows from retried attempts %d, S3A retry counters %s, not ok %d, "
              + "duplicates %d, lost %d%n",
          outageSeconds,
          before,
          inputs,
          rows.size(),
          TaskFailureCounter.FAILED_TASKS.get(),
          reprocessed,
          s3aRetries,
          notOk.size(),
          duplicates,
          lost);
      assertEquals(0, duplicates);
      assertEquals(0, lost);
      assertEquals(inputs, rows.size());
      assertEquals(List.of(), notOk, "S3A retried through the outage");
      StorageFixtures.assertOutputsWhole(fs, rows);
      assertEquals(inputs, outputs(client));
    }
    client.shutdown();
  }

  /**
   * S3A's own retry counters of the run: in local mode the driver and the tasks share the cached
   * S3A instance, which outlives the Spark session.
   */
  private static Map<String, Long> s3aRetryCounters() throws java.io.IOException {
    FileSystem used = FileSystem.get(URI.create("s3a://" + BUCKET + "/"), new Configuration());
    IOStatistics stats = IOStatisticsSupport.retrieveIOStatistics(used);
    Map<String, Long> retries = new TreeMap<>();
    if (stats != null) {
      stats
          .counters()
          .forEach(
              (k, v) -> {
                if (k.contains("retry") || k.contains("throttled") || k.equals("ignored_errors")) {
                  retries.put(k, v);
                }
              });
    }
    return retries;
  }

  /** Output images visible in the bucket (listing through the S3 API, outside the job). */
  private static int outputs(AmazonS3 client) {
    try {
      return (int)
          client
              .listObjectsV2(
                  new ListObjectsV2Request().withBucketName(BUCKET).withPrefix("enhanced/"))
              .getObjectSummaries()
              .stream()
              .filter(o -> o.getKey().matches("enhanced/scan-\\d+\\.png"))
              .count();
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
