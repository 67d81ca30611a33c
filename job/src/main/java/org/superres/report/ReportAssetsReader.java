package org.superres.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superres.output.GalleryFiles;

/**
 * Reads the gallery assets the executors wrote (a JSON sidecar and three small images per sample)
 * and turns the images into data URIs, so the page carries them inline and opens anywhere without
 * its directory.
 */
public final class ReportAssetsReader {
  private static final Logger LOG = LoggerFactory.getLogger(ReportAssetsReader.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Configuration hadoop;

  public ReportAssetsReader(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  /** The complete samples under {@code assetsDir}, sorted by their input's path for the reader. */
  public List<GallerySample> read(String assetsDir) throws IOException {
    Path dir = new Path(assetsDir);
    FileSystem fs = dir.getFileSystem(hadoop);
    FileStatus[] listed;
    try {
      listed =
          fs.listStatus(
              dir, p -> p.getName().endsWith(GalleryFiles.SIDECAR) && !p.getName().startsWith("."));
    } catch (FileNotFoundException e) {
      return new ArrayList<>(); // nothing sampled, or every sample failed
    }
    Arrays.sort(listed, Comparator.comparing(s -> s.getPath().getName()));
    List<GallerySample> samples = new ArrayList<>();
    for (FileStatus st : listed) {
      String name = st.getPath().getName();
      Path prefix = new Path(dir, name.substring(0, name.length() - GalleryFiles.SIDECAR.length()));
      try {
        samples.add(sample(fs, st.getPath(), prefix.toString()));
      } catch (IOException | RuntimeException e) {
        LOG.warn("report: skipping gallery sample {}: {}", st.getPath(), e.toString());
      }
    }
    samples.sort(
        Comparator.comparing((GallerySample s) -> s.relativePath).thenComparing(s -> s.inputUri));
    return samples;
  }

  private GallerySample sample(FileSystem fs, Path sidecar, String prefix) throws IOException {
    JsonNode j = JSON.readTree(bytes(fs, sidecar));
    GallerySample s = new GallerySample();
    s.inputUri = j.path("input_uri").asText();
    s.relativePath = j.path("relative_path").asText(s.inputUri);
    s.outputUri = j.path("output_uri").asText(null);
    s.scale = j.path("scale").asInt();
    s.cropX = j.path("crop").path("x").asInt();
    s.cropY = j.path("crop").path("y").asInt();
    s.cropWidth = j.path("crop").path("width").asInt();
    s.cropHeight = j.path("crop").path("height").asInt();
    s.outputWidth = j.path("output").path("width").asInt();
    s.outputHeight = j.path("output").path("height").asInt();
    s.thumbnailWidth = j.path("thumbnail").path("width").asInt();
    s.thumbnailHeight = j.path("thumbnail").path("height").asInt();
    s.modelCrop = dataUri(fs, prefix + GalleryFiles.MODEL_CROP, "image/png");
    s.bicubicCrop = dataUri(fs, prefix + GalleryFiles.BICUBIC_CROP, "image/png");
    s.thumbnail = dataUri(fs, prefix + GalleryFiles.THUMBNAIL, "image/jpeg");
    return s;
  }

  private static String dataUri(FileSystem fs, String uri, String mime) throws IOException {
    return "data:"
        + mime
        + ";base64,"
        + Base64.getEncoder().encodeToString(bytes(fs, new Path(uri)));
  }

  private static byte[] bytes(FileSystem fs, Path p) throws IOException {
    long len = fs.getFileStatus(p).getLen();
    if (len > 64L << 20) {
      throw new IOException(p + " is " + len + " bytes, too large for a report asset");
    }
    byte[] b = new byte[(int) len];
    try (InputStream in = fs.open(p)) {
      IOUtils.readFully(in, b, 0, b.length);
    }
    return b;
  }
}
