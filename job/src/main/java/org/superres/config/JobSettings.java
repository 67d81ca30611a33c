package org.superres.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.superres.engine.Backend;
import org.superres.engine.ImageFormat;
import org.superres.engine.ImageLimits;
import org.superres.engine.ModelKind;
import org.superres.engine.OutputSettings;
import org.superres.engine.PostProcess;
import org.superres.engine.Precision;

/**
 * The typed, validated view of the superres configuration. Every value is checked once, at start.
 */
public final class JobSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  public enum OutputMode {
    SKIP_EXISTING,
    OVERWRITE,
    FAIL_IF_EXISTS
  }

  public final List<String> inputs;

  /** --input-list sources and the listing root of their inputs (null: their common directory). */
  public final List<String> inputLists;

  public final String inputRoot;
  public final boolean followLinks;
  public final int listingParallelThreshold;
  public final List<String> extensions;
  public final String outputUri;

  /** null = the input's own format. */
  public final ImageFormat outputFormat;

  public final int jpegQuality;

  /** How outputs are encoded (jpeg quality, metadata, TIFF tiles, the in-memory limit). */
  public final OutputSettings output;

  public final OutputMode outputMode;
  public final boolean keepMetadata;
  public final String modelName;
  public final String modelUri;
  public final ModelKind modelKind;
  public final int modelScale;
  public final String modelDir;
  public final Backend backend;
  public final Precision precision;
  public final int threads;
  public final int tile;
  public final int overlap;
  public final ImageLimits limits;
  public final long maxInputPixels;
  public final long maxInputBytes;

  /** limits.input-timeout in milliseconds; 0 = no watchdog. */
  public final long inputTimeoutMillis;

  public final int maxStuckThreads;

  /** Inputs a task works on at once (pipeline.depth): read, infer and write overlap. */
  public final int pipelineDepth;

  public final double maxFailureRatio;
  public final long partitionTargetBytes;
  public final int partitionMaxFiles;
  public final int partitionsPerSlot;
  public final int progressSeconds;
  public final boolean reportEnabled;
  public final int reportSamples;
  public final int reportCrop;
  public final int reportThumbnail;
  public final PostProcess postProcess;

  /** incremental.since: null (every input), "last", or an ISO-8601 instant (normalized). */
  public final String since;

  public final Map<String, String> sparkProperties;

  /** The effective configuration as JSON, secrets redacted, for summary.json. */
  public final String renderedJson;

  private JobSettings(Config root) {
    Config c = root.getConfig(ConfigLoader.ROOT);
    inputs = Collections.unmodifiableList(new ArrayList<>(c.getStringList("input")));
    inputLists = Collections.unmodifiableList(new ArrayList<>(c.getStringList("input-lists")));
    inputRoot = c.getIsNull("input-root") ? null : c.getString("input-root");
    followLinks = c.getBoolean("listing.follow-links");
    listingParallelThreshold = intIn(c, "listing.parallel-threshold", 1, 1 << 20);
    List<String> ext = new ArrayList<>();
    for (String e : c.getStringList("extensions")) {
      ext.add(e.toLowerCase(Locale.ROOT).replaceFirst("^\\.", ""));
    }
    extensions = Collections.unmodifiableList(ext);
    outputUri = c.getIsNull("output.uri") ? null : c.getString("output.uri");
    outputFormat = parse(c, "output.format", ImageFormat::parseOutput);
    jpegQuality = intIn(c, "output.jpeg-quality", 1, 100);
    outputMode =
        parse(
            c,
            "output.mode",
            s -> OutputMode.valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
    keepMetadata = c.getBoolean("output.keep-metadata");
    modelName = c.getIsNull("model.name") ? null : c.getString("model.name");
    modelUri = c.getIsNull("model.uri") ? null : c.getString("model.uri");
    modelKind = c.getIsNull("model.kind") ? null : parse(c, "model.kind", ModelKind::parse);
    modelScale = intIn(c, "model.scale", 0, 8);
    modelDir = c.getIsNull("model.dir") ? null : c.getString("model.dir");
    backend = parse(c, "device.backend", Backend::parse);
    precision = parse(c, "device.precision", Precision::parse);
    threads = intIn(c, "device.threads", 0, 1024);
    tile = intIn(c, "tiling.tile", 0, 1 << 16);
    overlap = intIn(c, "tiling.overlap", 0, 1024);
    if (tile > 0 && tile < 16) {
      throw new ConfigError(
          "superres.tiling.tile = " + tile + " is too small: use 0 (off) or >= 16");
    }
    maxInputPixels = c.getLong("limits.max-input-pixels");
    maxInputBytes = c.getBytes("limits.max-input-bytes");
    limits = new ImageLimits(maxInputPixels, maxInputBytes);
    inputTimeoutMillis =
        c.getDuration("limits.input-timeout", java.util.concurrent.TimeUnit.MILLISECONDS);
    if (inputTimeoutMillis < 0) {
      throw new ConfigError("superres.limits.input-timeout must be >= 0 (0 = off)");
    }
    maxStuckThreads = intIn(c, "limits.max-stuck-threads", 0, 1024);
    pipelineDepth = intIn(c, "pipeline.depth", 1, 16);
    output = outputSettings(c, jpegQuality, keepMetadata);
    maxFailureRatio = c.getDouble("failures.max-ratio");
    if (maxFailureRatio < 0 || maxFailureRatio > 1) {
      throw new ConfigError(
          "superres.failures.max-ratio = " + maxFailureRatio + " must be within 0..1");
    }
    partitionTargetBytes = c.getBytes("partitions.target-bytes");
    partitionMaxFiles = intIn(c, "partitions.max-files", 1, 1 << 20);
    partitionsPerSlot = intIn(c, "partitions.per-slot", 1, 1000);
    progressSeconds = intIn(c, "progress.interval-seconds", 1, 3600);
    reportEnabled = c.getBoolean("report.enabled");
    reportSamples = intIn(c, "report.samples", 0, 1000);
    reportCrop = intIn(c, "report.crop", 16, 2048);
    reportThumbnail = intIn(c, "report.thumbnail", 16, 4096);
    postProcess = postProcess(c);
    since =
        c.getIsNull("incremental.since")
            ? null
            : parse(c, "incremental.since", JobSettings::parseSince);
    Map<String, String> props = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : c.getConfig("spark").entrySet()) {
      props.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
    }
    sparkProperties = Collections.unmodifiableMap(props);
    renderedJson = Redaction.redactJson(c.root().render(ConfigRenderOptions.concise()));
  }

  public static JobSettings from(Config root) {
    try {
      return new JobSettings(root);
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage());
    }
  }

  private static OutputSettings outputSettings(Config c, int jpegQuality, boolean keepMetadata) {
    String compression = parse(c, "output.tiff-compression", OutputSettings::checkTiffCompression);
    int tile = c.getInt("output.tiff-tile");
    if (tile != 256 && tile != 512) {
      throw new ConfigError("superres.output.tiff-tile = " + tile + ": TIFF tiles are 256 or 512");
    }
    long inMemory = c.getLong("limits.max-output-pixels-in-memory");
    if (inMemory < 0) {
      throw new ConfigError(
          "superres.limits.max-output-pixels-in-memory = " + inMemory + " must be >= 0 (0 = none)");
    }
    return new OutputSettings(jpegQuality, keepMetadata, compression, tile, inMemory);
  }

  private static PostProcess postProcess(Config c) {
    try {
      return new PostProcess(
          c.getDouble("postprocess.contrast"),
          c.getDouble("postprocess.brightness"),
          c.getBoolean("postprocess.clahe.enabled"),
          c.getDouble("postprocess.clahe.clip-limit"),
          c.getInt("postprocess.clahe.tile-grid"));
    } catch (IllegalArgumentException e) {
      throw new ConfigError("superres.postprocess: " + e.getMessage());
    }
  }

  /**
   * "last", an ISO-8601 instant, or a date (midnight UTC); returned as "last" or an instant string.
   */
  static String parseSince(String s) {
    String t = s.trim();
    if (t.isEmpty() || t.equalsIgnoreCase("null") || t.equalsIgnoreCase("none")) {
      return null; // --set incremental.since=null turns a configured since off
    }
    if (t.equalsIgnoreCase("last")) {
      return "last";
    }
    try {
      return java.time.Instant.parse(t).toString();
    } catch (java.time.format.DateTimeParseException e) {
      try {
        return java.time.LocalDate.parse(t)
            .atStartOfDay(java.time.ZoneOffset.UTC)
            .toInstant()
            .toString();
      } catch (java.time.format.DateTimeParseException e2) {
        throw new IllegalArgumentException(
            "expected last, an ISO-8601 time (2026-11-27T02:00:00Z) or a date (2026-11-27)");
      }
    }
  }

  private static <T> T parse(Config c, String key, Function<String, T> parser) {
    String raw = c.getString(key);
    try {
      return parser.apply(raw);
    } catch (IllegalArgumentException e) {
      throw new ConfigError("superres." + key + " = '" + raw + "': " + e.getMessage());
    }
  }

  private static int intIn(Config c, String key, int min, int max) {
    int v = c.getInt(key);
    if (v < min || v > max) {
      throw new ConfigError("superres." + key + " = " + v + " is out of range " + min + ".." + max);
    }
    return v;
  }
}
