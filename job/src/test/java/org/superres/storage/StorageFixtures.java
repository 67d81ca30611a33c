package org.superres.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.superres.testing.Fixtures;

/**
 * Files the storage tests share: the model, the committed samples, and readers for a run's results.
 */
public final class StorageFixtures {
  static final ObjectMapper JSON = new ObjectMapper();

  private StorageFixtures() {}

  /** The committed sample PNGs (job/samples/*.png). */
  static List<java.nio.file.Path> samplePngs() throws IOException {
    try (Stream<java.nio.file.Path> s = Files.list(Fixtures.samples())) {
      List<java.nio.file.Path> all = new ArrayList<>();
      s.filter(p -> p.toString().endsWith(".png")).sorted().forEach(all::add);
      return all;
    }
  }

  /** Copies every sample (png and jpg) {@code copies} times under distinct names into dir. */
  static int copySamples(FileSystem fs, Path dir, int copies, boolean pngOnly) throws IOException {
    int n = 0;
    try (Stream<java.nio.file.Path> s = Files.list(Fixtures.samples())) {
      for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) s.sorted()::iterator) {
        String name = p.getFileName().toString();
        if (pngOnly && !name.endsWith(".png")) {
          continue;
        }
        for (int i = 0; i < copies; i++) {
          String target = copies == 1 ? name : name.replaceFirst("\\.", "-" + i + ".");
          fs.copyFromLocalFile(false, true, new Path(p.toUri()), new Path(dir, target));
          n++;
        }
      }
    }
    return n;
  }

  /** The JSON Lines manifest of the one run found under output/_runs, as rows. */
  public static List<JsonNode> manifest(FileSystem fs, String runDir) throws IOException {
    List<JsonNode> rows = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                fs.open(new Path(runDir, "manifest.jsonl")), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        rows.add(JSON.readTree(line));
      }
    }
    return rows;
  }

  public static JsonNode summary(FileSystem fs, String runDir) throws IOException {
    try (InputStream in = fs.open(new Path(runDir, "summary.json"))) {
      return JSON.readTree(in);
    }
  }

  /** Run directories under output/_runs, oldest first (run ids sort by time). */
  public static List<String> runDirs(FileSystem fs, Path output) throws IOException {
    List<String> dirs = new ArrayList<>();
    for (FileStatus s : fs.listStatus(new Path(output, "_runs"))) {
      dirs.add(s.getPath().toString());
    }
    dirs.sort(null);
    return dirs;
  }

  /** Fully decodes an output image: a half-written file fails here. */
  static BufferedImage decodeWhole(FileSystem fs, String uri) throws IOException {
    try (InputStream in = fs.open(new Path(uri))) {
      BufferedImage img = ImageIO.read(in);
      assertNotNull(img, uri + " is not a readable image");
      return img;
    }
  }

  /** Every ok row's output exists, decodes whole and has the row's dimensions. */
  public static void assertOutputsWhole(FileSystem fs, List<JsonNode> rows) throws IOException {
    for (JsonNode row : rows) {
      if (!"ok".equals(row.get("status").asText())) {
        continue;
      }
      BufferedImage img = decodeWhole(fs, row.get("output_uri").asText());
      assertEquals(row.get("output_width").asInt(), img.getWidth(), row.get("output_uri").asText());
      assertEquals(
          row.get("output_height").asInt(), img.getHeight(), row.get("output_uri").asText());
      assertEquals(row.get("input_width").asInt() * 3, img.getWidth());
    }
  }

  /** Files below root whose name marks an unfinished write (our hidden temporaries). */
  static List<String> leftoverTemporaries(FileSystem fs, Path root) throws IOException {
    List<String> found = new ArrayList<>();
    org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it =
        fs.listFiles(root, true);
    while (it.hasNext()) {
      Path p = it.next().getPath();
      if (p.getName().endsWith(".tmp") && !p.toString().contains("/_manifest/")) {
        found.add(p.toString());
      }
    }
    return found;
  }

  static Configuration hadoop() {
    return new Configuration();
  }
}
