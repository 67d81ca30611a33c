package org.superres.output;

import java.io.Serializable;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.superres.engine.ImageFormat;

/**
 * Where everything of a run goes below --output: images at the input's path relative to its listing
 * root (extension replaced), the Parquet manifest under _manifest/run_id=RUN_ID/, and run files
 * under _runs/RUN_ID/. Output paths are built from the listed relative path only, which never holds
 * "..", so nothing can be written outside the output root.
 */
public final class OutputLayout implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String root;

  public OutputLayout(String root) {
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  public String root() {
    return root;
  }

  /** The output image of an input; {@code format} null means the input's own format. */
  public String imageUri(String relativePath, ImageFormat format) {
    int dot = relativePath.lastIndexOf('.');
    String stem = dot > 0 ? relativePath.substring(0, dot) : relativePath;
    String ext =
        format != null ? format.extension() : sameFormatExtension(relativePath.substring(dot + 1));
    // "./" keeps a first segment with a colon (2026-01-01T10:00:00.png) from reading as a URI
    // scheme
    String uri = new Path(new Path(root), "./" + stem + "." + ext).toString();
    if (!uri.startsWith(root + "/")) {
      // cannot happen for listed paths (see InputLister); kept so a future caller cannot write
      // outside --output
      throw new IllegalArgumentException(
          "output of '" + relativePath + "' would be outside " + root);
    }
    return uri;
  }

  /** "same" keeps the input's extension where OpenCV can write that format, else writes PNG. */
  static String sameFormatExtension(String inputExt) {
    String e = inputExt.toLowerCase(Locale.ROOT);
    switch (e) {
      case "jpg":
      case "jpeg":
      case "png":
      case "webp":
      case "tif":
      case "tiff":
      case "bmp":
        return e;
      default:
        return "png";
    }
  }

  public String manifestDir() {
    return root + "/_manifest";
  }

  public String manifestPartition(String runId) {
    return manifestDir() + "/run_id=" + runId;
  }

  public String runsDir() {
    return root + "/_runs";
  }

  public String runDir(String runId) {
    return runsDir() + "/" + runId;
  }

  /** The run report's gallery files (see GalleryFiles). */
  public String galleryDir(String runId) {
    return runDir(runId) + "/report-assets";
  }
}
