package org.superres.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.superres.testing.Fixtures;

/**
 * The same sample run (job/samples, the bundled model, local[2]) with inputs, model and outputs on
 * file://, hdfs:// and s3a://, one run each, printing images/s and model loads. A measurement, not
 * a check of speed: opt in with -Dsuperres.storage.throughput=true (it takes minutes on a shared
 * machine).
 */
@EnabledIfSystemProperty(named = "superres.storage.throughput", matches = "true")
class StorageThroughputTest {

  @Test
  void sameSampleRunOnFileHdfsAndS3() throws Exception {
    java.nio.file.Path localModel = Fixtures.ownModel();
    Map<String, String> figures = new LinkedHashMap<>();

    java.nio.file.Path base = java.nio.file.Path.of("target", "throughput").toAbsolutePath();
    if (Files.exists(base)) {
      FileSystem.getLocal(StorageFixtures.hadoop()).delete(new Path(base.toUri()), true);
    }
    FileSystem local = FileSystem.getLocal(StorageFixtures.hadoop());
    String fileRoot = base.toUri().toString();
    // Warm-up (not reported): the first run of a JVM also pays for loading OpenCV's natives and the
    // JIT.
    measure(local, fileRoot + "/warm-up", localModel, List.of());
    figures.put("file", measure(local, fileRoot + "/measured", localModel, List.of()));

    try (MiniHdfs hdfs = MiniHdfs.start("throughput")) {
      figures.put("hdfs", measure(hdfs.fs(), hdfs.uri() + "/throughput", localModel, List.of()));
    }
    try (S3ProxyServer s3 = S3ProxyServer.start("throughput")) {
      s3.createBucket("throughput");
      try (FileSystem fs = s3.fs("throughput")) {
        // S3A never deletes a bucket's root: clear what earlier runs left, prefix by prefix.
        for (String prefix : new String[] {"in", "out", "models"}) {
          fs.delete(new Path("s3a://throughput/" + prefix), true);
        }
        figures.put("s3a", measure(fs, "s3a://throughput", localModel, s3.confArgs(true)));
      }
    }
    double load =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    figures.forEach((k, v) -> System.out.println("[storage] throughput " + k + ": " + v));
    System.out.printf(
        "[storage] throughput measured on %d cores, load average %.1f at the end%n",
        Runtime.getRuntime().availableProcessors(), load);
  }

  private static String measure(
      FileSystem fs, String root, java.nio.file.Path localModel, List<String> conf)
      throws Exception {
    int n = StorageFixtures.copySamples(fs, new Path(root + "/in"), 1, false);
    String model = root + "/models/superres-edsr-x3.pb";
    fs.copyFromLocalFile(new Path(localModel.toUri()), new Path(model));
    List<String> argv = Jobs.enhance(root + "/in", root + "/out", model, "--master", "local[2]");
    argv.addAll(conf);
    assertEquals(0, Jobs.runInProcess(argv));
    fs = FileSystem.get(fs.getUri(), fs.getConf()); // the run closed Hadoop's cached instances
    List<String> runs = StorageFixtures.runDirs(fs, new Path(root + "/out"));
    JsonNode summary = StorageFixtures.summary(fs, runs.get(0));
    assertEquals(n, summary.get("inputs").get("ok").asInt(), summary.toString());
    return String.format(
        "%d images, %.3f images/s (processing %.1f s, wall %.1f s), model loads %d",
        n,
        summary.get("throughput_images_per_second").asDouble(),
        summary.get("processing_seconds").asDouble(),
        summary.get("wall_seconds").asDouble(),
        summary.get("model").get("loads").asInt());
  }
}
