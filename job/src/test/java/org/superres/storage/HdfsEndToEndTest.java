package org.superres.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.superres.testing.Fixtures;

/** Inputs, outputs and the model on a real (in-process) HDFS. */
class HdfsEndToEndTest {
  private static MiniHdfs hdfs;

  @BeforeAll
  static void startHdfs() throws Exception {
    Fixtures.ownModel();
    hdfs = MiniHdfs.start("e2e");
  }

  @AfterAll
  static void stopHdfs() {
    if (hdfs != null) {
      hdfs.close();
    }
  }

  @Test
  void enhancesFromAndToHdfsWithTheModelOnHdfs() throws Exception {
    FileSystem fs = hdfs.fs();
    String root = hdfs.uri();
    Path in = new Path(root + "/archive/scans");
    int listed = StorageFixtures.copySamples(fs, in, 1, false);
    fs.copyFromLocalFile(
        new Path(Fixtures.ownModel().toUri()), new Path(root + "/models/superres-edsr-x3.pb"));
    Path out = new Path(root + "/enhanced");

    int exit =
        Jobs.runInProcess(
            Jobs.enhance(
                in.toString(),
                out.toString(),
                root + "/models/superres-edsr-x3.pb",
                "--master",
                "local[2]"));
    assertEquals(0, exit);
    FileSystem.closeAll();
    fs = hdfs.fs();
    List<String> runs = StorageFixtures.runDirs(fs, out);
    assertEquals(1, runs.size());
    List<JsonNode> rows = StorageFixtures.manifest(fs, runs.get(0));
    assertEquals(listed, rows.size());
    for (JsonNode r : rows) {
      assertEquals("ok", r.get("status").asText(), r.toString());
      assertTrue(r.get("input_uri").asText().startsWith(root + "/archive/scans/"), r.toString());
      assertTrue(r.get("output_uri").asText().startsWith(root + "/enhanced/"), r.toString());
    }
    StorageFixtures.assertOutputsWhole(fs, rows);
    assertTrue(StorageFixtures.leftoverTemporaries(fs, out).isEmpty());
    JsonNode summary = StorageFixtures.summary(fs, runs.get(0));
    assertEquals(root + "/models/superres-edsr-x3.pb", summary.get("model").get("uri").asText());
    assertTrue(fs.exists(new Path(out, "_manifest/run_id=" + new Path(runs.get(0)).getName())));
    System.out.printf(
        "[storage] hdfs: %d images, %.2f images/s, model loads %d%n",
        rows.size(),
        summary.get("throughput_images_per_second").asDouble(),
        summary.get("model").get("loads").asInt());

    // A rerun into the same output skips everything (skip-existing).
    assertEquals(
        0,
        Jobs.runInProcess(
            Jobs.enhance(
                in.toString(),
                out.toString(),
                root + "/models/superres-edsr-x3.pb",
                "--master",
                "local[2]")));
    fs = hdfs.fs();
    runs = StorageFixtures.runDirs(fs, out);
    assertEquals(2, runs.size());
    for (JsonNode r : StorageFixtures.manifest(fs, runs.get(1))) {
      assertEquals("skipped", r.get("status").asText(), r.toString());
    }
  }
}
