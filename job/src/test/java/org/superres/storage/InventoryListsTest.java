package org.superres.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.job.JobTestSupport;
import org.superres.testing.Fixtures;
import org.superres.testing.HostileCorpus;

/**
 * Inputs from S3 Inventory reports instead of a listing, on a real S3 server: a CSV.gz report (keys
 * URL-encoded, no header, columns named by the manifest's fileSchema) and a Parquet report, each
 * given by its manifest.json. Sizes and times come from the report (the times here are the
 * report's, not the objects'), names are filtered as a listing filters them, and output paths are
 * taken below --input-root.
 */
class InventoryListsTest {
  private static final String BUCKET = "inventory";
  private static final String REPORTED = "2020-01-02T03:04:05Z";
  private static S3ProxyServer s3;
  private static final List<String> KEYS =
      List.of(
          "scans/a.png", "scans/sub/b.png", "scans/c d.png", "scans/notes.txt", "scans/_old/x.png");

  @TempDir java.nio.file.Path dir;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3ProxyServer.start("inventory");
    s3.createBucket(BUCKET);
    byte[] png = HostileCorpus.png(HostileCorpus.gradient(18, 12, BufferedImage.TYPE_3BYTE_BGR));
    try (FileSystem fs = s3.fs(BUCKET)) {
      for (String prefix : new String[] {"scans", "reports"}) {
        fs.delete(new Path("s3a://" + BUCKET + "/" + prefix), true);
      }
      for (String key : KEYS) {
        try (OutputStream out = fs.create(new Path("s3a://" + BUCKET + "/" + key))) {
          out.write(png);
        }
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void aCsvInventoryReportListsTheInputs() throws Exception {
    String data = "reports/csv/data/part-0.csv.gz";
    StringBuilder csv = new StringBuilder();
    try (FileSystem fs = s3.fs(BUCKET)) {
      for (String key : KEYS) {
        long size = fs.getFileStatus(new Path("s3a://" + BUCKET + "/" + key)).getLen();
        String encoded =
            java.net.URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
        csv.append(String.format("\"%s\",\"%s\",\"%d\",\"%s\"%n", BUCKET, encoded, size, REPORTED));
      }
      try (OutputStream out =
          new GZIPOutputStream(fs.create(new Path("s3a://" + BUCKET + "/" + data)))) {
        out.write(csv.toString().getBytes(StandardCharsets.UTF_8));
      }
      writeManifest(
          fs,
          "reports/csv/manifest.json",
          "CSV",
          "Bucket, Key, Size, LastModifiedDate",
          List.of(data));
    }
    check(run("s3a://" + BUCKET + "/reports/csv/manifest.json"));
  }

  @Test
  void aParquetInventoryReportListsTheInputs() throws Exception {
    String dataDir = "s3a://" + BUCKET + "/reports/parquet/data";
    SparkSession spark = session();
    List<String> files = new ArrayList<>();
    try (FileSystem fs = s3.fs(BUCKET)) {
      List<org.apache.spark.sql.Row> rows = new ArrayList<>();
      for (String key : KEYS) {
        long size = fs.getFileStatus(new Path("s3a://" + BUCKET + "/" + key)).getLen();
        rows.add(
            RowFactory.create(
                BUCKET, key, size, java.sql.Timestamp.from(java.time.Instant.parse(REPORTED))));
      }
      StructType schema =
          new StructType()
              .add("bucket", DataTypes.StringType)
              .add("key", DataTypes.StringType)
              .add("size", DataTypes.LongType)
              .add("last_modified_date", DataTypes.TimestampType);
      spark.createDataFrame(rows, schema).coalesce(1).write().mode("overwrite").parquet(dataDir);
      for (FileStatus s : fs.listStatus(new Path(dataDir))) {
        if (s.getPath().getName().endsWith(".parquet")) {
          files.add("reports/parquet/data/" + s.getPath().getName());
        }
      }
      writeManifest(
          fs, "reports/parquet/manifest.json", "Parquet", "message s3.inventory {}", files);
    } finally {
      spark.stop();
    }
    check(run("s3a://" + BUCKET + "/reports/parquet/manifest.json"));
  }

  private SparkSession session() {
    Map<String, String> conf = new java.util.LinkedHashMap<>(s3.s3aProperties());
    conf.put("spark.hadoop.fs.s3a.access.key", s3.accessKey());
    conf.put("spark.hadoop.fs.s3a.secret.key", s3.secretKey());
    return org.superres.cli.SparkSessions.create("inventory", "local[2]", conf, List.of());
  }

  private static void writeManifest(
      FileSystem fs, String key, String format, String schema, List<String> files)
      throws Exception {
    StringBuilder f = new StringBuilder();
    for (String file : files) {
      f.append(f.length() == 0 ? "" : ",").append("{\"key\":\"").append(file).append("\"}");
    }
    String json =
        "{\"sourceBucket\":\""
            + BUCKET
            + "\",\"destinationBucket\":\"arn:aws:s3:::"
            + BUCKET
            + "\",\"version\":\"2016-11-30\",\"fileFormat\":\""
            + format
            + "\",\"fileSchema\":\""
            + schema
            + "\",\"files\":["
            + f
            + "]}";
    try (OutputStream out = fs.create(new Path("s3a://" + BUCKET + "/" + key))) {
      out.write(json.getBytes(StandardCharsets.UTF_8));
    }
  }

  private java.nio.file.Path run(String manifest) throws Exception {
    java.nio.file.Path out = dir.resolve("out");
    List<String> argv =
        new ArrayList<>(
            List.of(
                "enhance",
                "--input-list",
                manifest,
                "--input-root",
                "s3a://" + BUCKET + "/scans",
                "--output",
                out.toString(),
                "--model",
                Fixtures.ownModel().toString(),
                "--master",
                "local[2]"));
    argv.addAll(s3.confArgs(true));
    assertEquals(0, Jobs.runInProcess(argv));
    return out;
  }

  private static void check(java.nio.file.Path out) throws Exception {
    String runId = JobTestSupport.runIds(out).get(0);
    Map<String, JsonNode> rows = new TreeMap<>();
    for (JsonNode r : JobTestSupport.manifest(out, runId)) {
      rows.put(r.get("input_uri").asText(), r);
    }
    assertEquals(
        List.of(
            "s3a://" + BUCKET + "/scans/a.png",
            "s3a://" + BUCKET + "/scans/c d.png",
            "s3a://" + BUCKET + "/scans/sub/b.png"),
        new ArrayList<>(rows.keySet()),
        "images only, not below hidden directories, keys decoded");
    for (JsonNode r : rows.values()) {
      assertEquals("ok", r.get("status").asText(), r.toString());
      assertEquals(
          java.time.Instant.parse(REPORTED),
          java.time.Instant.parse(r.get("input_mtime").asText()),
          "the report's time, not the object's: no request per object");
    }
    assertTrue(Files.isRegularFile(out.resolve("sub/b.png")), "paths below --input-root");
    assertTrue(Files.isRegularFile(out.resolve("c d.png")));
  }
}
