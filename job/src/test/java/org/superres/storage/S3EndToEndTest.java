package org.superres.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.superres.testing.Fixtures;

/**
 * The job against a real S3 server (S3Proxy over HTTP on 127.0.0.1) through S3A, configured as
 * users configure it: inputs by glob, the model shipped from s3a:// with addFile, outputs and
 * manifest on s3a://. Credentials come from a --config file (superres.spark) and must show up
 * nowhere: not in what the run prints at INFO, not in any object it writes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3EndToEndTest {
  private static final String BUCKET = "archive";
  private static S3ProxyServer s3;
  private static java.nio.file.Path credentials;
  private static java.nio.file.Path log4j;
  private static String model;
  private static int pngs;

  @BeforeAll
  static void start() throws Exception {
    java.nio.file.Path localModel = Fixtures.ownModel();
    s3 = S3ProxyServer.start("e2e");
    s3.createBucket(BUCKET);
    try (FileSystem fs = s3.fs(BUCKET)) {
      // S3A never deletes a bucket's root: clear what earlier runs left, prefix by prefix.
      for (String prefix : new String[] {"scans", "enhanced", "enhanced-wrong", "models"}) {
        fs.delete(new Path("s3a://" + BUCKET + "/" + prefix), true);
      }
      Path scans = new Path("s3a://" + BUCKET + "/scans/");
      StorageFixtures.copySamples(fs, scans, 1, false); // 4 PNGs and a JPEG the glob leaves out
      pngs = StorageFixtures.samplePngs().size();
      model = "s3a://" + BUCKET + "/models/superres-edsr-x3.pb";
      fs.copyFromLocalFile(new Path(localModel.toUri()), new Path(model));
    }
    java.nio.file.Path dir = java.nio.file.Path.of("target", "s3-e2e").toAbsolutePath();
    Files.createDirectories(dir);
    credentials = dir.resolve("credentials.conf");
    Files.writeString(
        credentials,
        "superres.spark {\n"
            + "  \"spark.hadoop.fs.s3a.access.key\" = \""
            + s3.accessKey()
            + "\"\n"
            + "  \"spark.hadoop.fs.s3a.secret.key\" = \""
            + s3.secretKey()
            + "\"\n}\n");
    log4j = ChildJvm.log4jConfig(dir, "info");
  }

  @AfterAll
  static void stop() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  static List<String> enhance(String output, String configFile) {
    List<String> a =
        Jobs.enhance(
            "s3a://" + BUCKET + "/scans/*.png",
            output,
            model,
            "--master",
            "local[2]",
            "--config",
            configFile);
    a.addAll(s3.confArgs(false));
    return a;
  }

  @Test
  @Order(1)
  void enhancesAGlobOnS3WithTheModelShippedFromS3AndLeaksNoCredentials() throws Exception {
    String out = "s3a://" + BUCKET + "/enhanced";
    ChildJvm run = ChildJvm.run(log4j, enhance(out, credentials.toString()));
    assertEquals(0, run.exitCode, run.output);

    try (FileSystem fs = s3.fs(BUCKET)) {
      List<String> runs = StorageFixtures.runDirs(fs, new Path(out));
      assertEquals(1, runs.size());
      List<JsonNode> rows = StorageFixtures.manifest(fs, runs.get(0));
      assertEquals(pngs, rows.size(), "the glob *.png picks the PNGs only");
      for (JsonNode r : rows) {
        assertEquals("ok", r.get("status").asText(), r.toString());
        assertTrue(
            r.get("input_uri").asText().matches("s3a://archive/scans/[^/]+\\.png"), r.toString());
        assertTrue(
            r.get("output_uri").asText().startsWith("s3a://archive/enhanced/"), r.toString());
      }
      StorageFixtures.assertOutputsWhole(fs, rows);
      JsonNode summary = StorageFixtures.summary(fs, runs.get(0));
      assertEquals(model, summary.get("model").get("uri").asText());
      assertEquals(1, summary.get("model").get("loads").asInt());
      assertTrue(fs.exists(new Path(out + "/_manifest/run_id=" + new Path(runs.get(0)).getName())));
      System.out.printf(
          "[storage] s3a: %d images, %.2f images/s, model loads %d%n",
          rows.size(),
          summary.get("throughput_images_per_second").asDouble(),
          summary.get("model").get("loads").asInt());

      assertNoSecret("the run's console output (INFO)", run.output);
      for (String object : everythingUnder(fs, new Path(out))) {
        try (InputStream in = fs.open(new Path(object))) {
          assertNoSecret(object, new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        }
      }
      assertTrue(
          summary.get("config").toString().contains("***"), "the summary shows the keys redacted");
    }
  }

  @Test
  @Order(2)
  void rerunWithSkipExistingSkipsEverything() throws Exception {
    String out = "s3a://" + BUCKET + "/enhanced";
    List<String> argv = enhance(out, credentials.toString());
    assertEquals(0, Jobs.runInProcess(argv));
    try (FileSystem fs = s3.fs(BUCKET)) {
      List<String> runs = StorageFixtures.runDirs(fs, new Path(out));
      assertEquals(2, runs.size());
      List<JsonNode> rows = StorageFixtures.manifest(fs, runs.get(1));
      assertEquals(pngs, rows.size());
      for (JsonNode r : rows) {
        assertEquals("skipped", r.get("status").asText(), r.toString());
      }
      assertEquals(
          0,
          StorageFixtures.summary(fs, runs.get(1)).get("model").get("loads").asInt(),
          "nothing to do: no executor loads the model");
    }
  }

  @Test
  @Order(3)
  void wrongCredentialsGiveOneClearErrorAtStart() throws Exception {
    java.nio.file.Path wrong = credentials.resolveSibling("wrong-credentials.conf");
    String wrongSecret = "not-the-secret-" + Long.toHexString(System.nanoTime());
    Files.writeString(
        wrong,
        "superres.spark {\n"
            + "  \"spark.hadoop.fs.s3a.access.key\" = \""
            + s3.accessKey()
            + "\"\n"
            + "  \"spark.hadoop.fs.s3a.secret.key\" = \""
            + wrongSecret
            + "\"\n}\n");
    ChildJvm run =
        ChildJvm.run(log4j, enhance("s3a://" + BUCKET + "/enhanced-wrong", wrong.toString()));

    assertEquals(2, run.exitCode, run.output);
    List<String> errors =
        run.output
            .lines()
            .filter(l -> l.startsWith("superres: error:"))
            .collect(Collectors.toList());
    assertEquals(1, errors.size(), run.output);
    String error = errors.get(0);
    System.out.println("[storage] wrong credentials: " + error);
    assertTrue(error.contains("access denied"), error);
    assertTrue(error.contains("bucket " + BUCKET), error);
    assertTrue(error.contains(s3.endpoint()), error);
    assertTrue(error.contains("fs.s3a.secret.key"), "says what to check: " + error);
    assertFalse(run.output.contains(wrongSecret), "the wrong secret leaked:\n" + run.output);
    assertNoSecret("output of the failed run", run.output);
    assertFalse(
        run.output.contains("EnhancePartition"), "no executor work started:\n" + run.output);
    try (FileSystem fs = s3.fs(BUCKET)) {
      assertFalse(
          fs.exists(new Path("s3a://" + BUCKET + "/enhanced-wrong/_runs")),
          "the run stopped at start");
    }
  }

  static void assertNoSecret(String where, String text) {
    assertFalse(text.contains(s3.secretKey()), "the S3 secret key appears in " + where);
  }

  static List<String> everythingUnder(FileSystem fs, Path root) throws IOException {
    List<String> all = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      all.add(it.next().getPath().toString());
    }
    assertFalse(all.isEmpty());
    return all;
  }
}
