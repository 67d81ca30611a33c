package org.superres.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.superres.cli.SparkSessions;
import org.superres.config.JobSettings;
import org.superres.job.EnhanceJob;
import org.superres.job.JobTestSupport;
import org.superres.testing.Fixtures;
import org.superres.testing.HostileCorpus;

/**
 * Object-store cases of issue 14, on a real S3 server: keys named by ISO time (a colon in the first
 * segment of a relative path once read as a URI scheme) are read and written; and a read that
 * stalls with its connection open (the server paused with SIGSTOP mid-run) times out on the
 * watchdog while the other inputs go on; after the server is back, --retry-failed runs it alone.
 */
class S3HostileInputsTest {
  private static final String BUCKET = "hostile";
  private static final String COLONS = "2026-01-01T10:00:00.png";
  private static S3ProxyServer s3;
  private static byte[] png;

  @TempDir java.nio.file.Path dir;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3ProxyServer.start("hostile");
    s3.createBucket(BUCKET);
    png = HostileCorpus.png(HostileCorpus.gradient(20, 14, BufferedImage.TYPE_3BYTE_BGR));
    try (FileSystem fs = s3.fs(BUCKET)) {
      for (String prefix : new String[] {"scans", "enhanced", "stall"}) {
        fs.delete(new Path("s3a://" + BUCKET + "/" + prefix), true);
      }
      for (String key : new String[] {"scans/" + COLONS, "scans/plain.png", "stall/slow.png"}) {
        try (java.io.OutputStream out = fs.create(new Path("s3a://" + BUCKET + "/" + key))) {
          out.write(png);
        }
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (s3 != null) {
      s3.resume(); // never leave it frozen for the next class
      s3.close();
    }
  }

  @Test
  void keysNamedByIsoTimeAreReadAndWritten() throws Exception {
    List<String> argv =
        Jobs.enhance(
            "s3a://" + BUCKET + "/scans",
            "s3a://" + BUCKET + "/enhanced",
            Fixtures.ownModel().toString(),
            "--master",
            "local[2]");
    argv.addAll(s3.confArgs(true));
    assertEquals(0, Jobs.runInProcess(argv));
    try (FileSystem fs = s3.fs(BUCKET)) {
      assertTrue(fs.exists(new Path("s3a://" + BUCKET + "/enhanced/" + COLONS)));
      assertTrue(fs.exists(new Path("s3a://" + BUCKET + "/enhanced/plain.png")));
      String runDir = StorageFixtures.runDirs(fs, new Path("s3a://" + BUCKET + "/enhanced")).get(0);
      for (JsonNode row : StorageFixtures.manifest(fs, runDir)) {
        assertEquals("ok", row.get("status").asText(), row.toString());
      }
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aStalledReadTimesOutTheOthersGoOnAndARetryFinishesIt() throws Exception {
    java.nio.file.Path local = Files.createDirectories(dir.resolve("local"));
    for (int i = 0; i < 3; i++) {
      Files.write(local.resolve("page-" + i + ".png"), png);
    }
    java.nio.file.Path out = dir.resolve("out");
    String stalled = "s3a://" + BUCKET + "/stall/slow.png";
    List<String> sets = new ArrayList<>();
    sets.add("input=[\"" + local.toUri() + "\", \"" + stalled + "\"]");
    sets.add("output.uri=" + out.toUri());
    sets.add("model.uri=" + Fixtures.ownModel().toUri());
    sets.add("limits.input-timeout=5s");
    sets.add("failures.max-ratio=1");
    JobSettings settings = JobTestSupport.settings(sets.toArray(new String[0]));
    Map<String, String> conf = new java.util.LinkedHashMap<>(s3.s3aProperties());
    conf.put("spark.hadoop.fs.s3a.access.key", s3.accessKey());
    conf.put("spark.hadoop.fs.s3a.secret.key", s3.secretKey());
    FileSystem.closeAll();
    SparkSession spark = SparkSessions.create("stall", "local[2]", conf, List.of());
    try {
      long t = System.nanoTime();
      EnhanceJob.Outcome run;
      try {
        run = new EnhanceJob(spark, settings).afterPlanning(this::pause).run();
      } finally {
        s3.resume();
      }
      System.out.printf(
          "[s3-stall] run with the server paused: %.1f s (input-timeout 5 s)%n",
          (System.nanoTime() - t) / 1e9);
      Map<String, JsonNode> rows = byName(JobTestSupport.manifest(out, run.runId));
      assertEquals(4, rows.size(), rows.toString());
      JsonNode slow = rows.get("slow.png");
      assertEquals("failed", slow.get("status").asText(), slow.toString());
      assertEquals("timeout", slow.get("error_kind").asText(), slow.toString());
      for (int i = 0; i < 3; i++) {
        assertEquals("ok", rows.get("page-" + i + ".png").get("status").asText());
      }
      assertTrue(!Files.exists(out.resolve("slow.png")), "a timed-out input writes no output");

      EnhanceJob.Outcome retry = new EnhanceJob(spark, settings).retryFailed("last").run();
      Map<String, JsonNode> retried = byName(JobTestSupport.manifest(out, retry.runId));
      assertEquals(List.of("slow.png"), new ArrayList<>(retried.keySet()), "only the failed one");
      assertEquals("ok", retried.get("slow.png").get("status").asText());
      assertTrue(Files.isRegularFile(out.resolve("slow.png")));
    } finally {
      spark.stop();
    }
  }

  private void pause() {
    try {
      s3.pause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, JsonNode> byName(List<JsonNode> rows) {
    Map<String, JsonNode> m = new TreeMap<>();
    for (JsonNode r : rows) {
      String uri = r.get("input_uri").asText();
      m.put(uri.substring(uri.lastIndexOf('/') + 1), r);
    }
    return m;
  }
}
