package org.superres.model;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.superres.config.ConfigError;
import org.superres.config.JobSettings;
import org.superres.engine.ModelKind;
import org.superres.engine.ModelSpec;

/**
 * Finds the model file on the driver and fixes its identity (sha256), before any executor starts:
 * model.uri if given, else the catalog name looked up in model.dir, ./models, and last the jar's
 * bundled copy. A checksum that differs from the catalog's is an error, never a warning.
 */
public final class ModelResolver {
  private static final Pattern SCALE_IN_NAME = Pattern.compile("(?i)[_-]x(\\d)(?:\\D|$)");

  private final Configuration hadoop;
  private final ModelCatalog catalog;

  public ModelResolver(Configuration hadoop, ModelCatalog catalog) {
    this.hadoop = hadoop;
    this.catalog = catalog;
  }

  public ResolvedModel resolve(JobSettings s) throws IOException {
    if (s.modelUri != null) {
      return fromUri(s.modelUri, s.modelKind, s.modelScale);
    }
    CatalogEntry e = catalog.get(s.modelName);
    if (s.modelScale != 0 && s.modelScale != e.scale) {
      throw new ConfigError("model " + e.name + " upscales x" + e.scale + ", not x" + s.modelScale);
    }
    String uri = locate(e, s.modelDir);
    String actual = sha256(uri);
    if (!actual.equals(e.sha256)) {
      throw new ConfigError(
          "model file "
              + uri
              + " has sha256 "
              + actual
              + " but the catalog says "
              + e.sha256
              + " for "
              + e.name
              + ": the file is damaged or a different model; fetch it again (models fetch "
              + e.name
              + ")");
    }
    return new ResolvedModel(new ModelSpec(e.name, e.kind, e.scale, actual), uri);
  }

  /** A file given by URI: kind and scale from the settings or the file name. */
  public ResolvedModel fromUri(String given, ModelKind kind, int scale) throws IOException {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(given);
    String uri = path.getFileSystem(hadoop).makeQualified(path).toString();
    String name = uri.substring(uri.lastIndexOf('/') + 1);
    ModelKind k = kind != null ? kind : ModelKind.fromFileName(name);
    if (k == null) {
      throw new ConfigError(
          "model " + uri + ": cannot tell its kind from the name; set model.kind");
    }
    int sc = scale;
    if (sc == 0) {
      Matcher m = SCALE_IN_NAME.matcher(name);
      if (!m.find()) {
        throw new ConfigError(
            "model " + uri + ": cannot tell its scale from the name; set model.scale or --scale");
      }
      sc = Integer.parseInt(m.group(1));
    }
    String stem = name.replaceFirst("\\.pb$", "");
    return new ResolvedModel(new ModelSpec(stem, k, sc, sha256(uri)), uri);
  }

  private String locate(CatalogEntry e, String modelDir) throws IOException {
    if (modelDir != null) {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(modelDir, e.file);
      if (p.getFileSystem(hadoop).exists(p)) {
        return p.toString();
      }
    }
    Path local = Path.of("models", e.file);
    if (Files.isRegularFile(local)) {
      return local.toAbsolutePath().toUri().toString();
    }
    if (e.bundled) {
      return extractBundled(e).toUri().toString();
    }
    throw new ConfigError(
        "model "
            + e.name
            + " ("
            + e.file
            + ") is not present in "
            + (modelDir != null ? modelDir + " or " : "")
            + "./models: run `submit/superres models fetch "
            + e.name
            + "` (or copy it there), or set model.dir to a directory that holds it");
  }

  /**
   * The project's own model travels inside the jar; Spark ships files, so it is copied out once.
   */
  static Path extractBundled(CatalogEntry e) throws IOException {
    try (InputStream in =
        ModelResolver.class.getClassLoader().getResourceAsStream("superres/models/" + e.file)) {
      if (in == null) {
        throw new FileNotFoundException(
            "bundled model superres/models/" + e.file + " is missing from the jar");
      }
      Path dir = Files.createTempDirectory("superres-model");
      Path out = dir.resolve(e.file);
      Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
      out.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return out;
    }
  }

  private String sha256(String uri) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
    FileSystem fs = p.getFileSystem(hadoop);
    if (!fs.exists(p)) {
      throw new ConfigError("model file " + uri + " does not exist");
    }
    try (InputStream in = fs.open(p)) {
      return ModelSpec.sha256Of(in);
    }
  }
}
