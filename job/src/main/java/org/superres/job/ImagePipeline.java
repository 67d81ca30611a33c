package org.superres.job;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.superres.config.JobSettings;
import org.superres.engine.EngineException;
import org.superres.engine.EnhanceToFile;
import org.superres.engine.ImageFormat;
import org.superres.engine.ModelSpec;
import org.superres.engine.SuperResNet;
import org.superres.engine.TiledUpscaler;

/**
 * One input from bytes to written output: read, probe, decode, enhance, encode, write, each timed.
 * Any failure of one input becomes its manifest row; it never escapes to fail the task.
 */
public final class ImagePipeline {
  private final JobSettings settings;
  private final ModelSpec model;
  private final Supplier<SuperResNet> net;
  private final TiledUpscaler tiler;
  private final OutputStore store;
  private final Configuration hadoop;
  private final ReportAssetWriter reportAssets;

  public ImagePipeline(
      JobSettings settings, ModelSpec model, Supplier<SuperResNet> net, Configuration hadoop) {
    this.settings = settings;
    this.model = model;
    this.net = net;
    this.hadoop = hadoop;
    this.tiler = new TiledUpscaler(settings.tile, settings.overlap);
    this.store = new OutputStore(hadoop);
    this.reportAssets = new ReportAssetWriter(settings.reportCrop, settings.reportThumbnail, store);
  }

  /** Where this row is produced: filled into every row. */
  public static final class Origin {
    final String runId;
    final String executorId;
    final String host;
    final int attempt;
    final String attemptTag;

    public Origin(String runId, String executorId, String host, int attempt, String attemptTag) {
      this.runId = runId;
      this.executorId = executorId;
      this.host = host;
      this.attempt = attempt;
      this.attemptTag = attemptTag;
    }
  }

  public ManifestRow process(InputFile in, Origin origin) {
    long t0 = System.nanoTime();
    ManifestRow row = new ManifestRow();
    row.runId = origin.runId;
    row.inputUri = in.uri;
    row.outputUri = in.outputUri;
    row.inputBytes = in.size;
    row.inputMtime = java.time.Instant.ofEpochMilli(in.modificationTime).toString();
    row.modelName = model.name();
    row.modelSha256 = model.sha256();
    row.scale = model.scale();
    row.executorId = origin.executorId;
    row.host = origin.host;
    row.taskAttempt = origin.attempt;
    try {
      if (in.planError != null) {
        throw new EngineException("plan", in.planError.replaceFirst("^plan: ", ""));
      }
      if (in.skip) {
        row.status = ManifestRow.SKIPPED;
        row.note = in.skipReason;
      } else {
        run(in, origin, row);
        row.status = ManifestRow.OK;
      }
    } catch (EngineException e) {
      fail(row, e.kind(), e.getMessage());
    } catch (FileNotFoundException e) {
      fail(row, "missing", "input disappeared after listing: " + e.getMessage());
    } catch (IOException e) {
      fail(row, "io", e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (RuntimeException | OutOfMemoryError e) {
      fail(row, "internal", e.getClass().getName() + ": " + e.getMessage());
    }
    row.totalMs = ms(t0);
    row.finishedAt = Instant.now().toString();
    return row;
  }

  private void run(InputFile in, Origin origin, ManifestRow row) throws IOException {
    settings.limits.checkBytes(in.size);
    // The model (and OpenCV's natives) load before the clock starts: their cost is the summary's,
    // not an image's.
    SuperResNet n = net.get();
    row.device = n.device().toString();
    ImageFormat format = outputFormat(in.outputUri);
    // The engine reads the input as it decodes and writes the output strip by strip into a local
    // file (docs/gigapixel.md), which is then published whole.
    java.nio.file.Path local =
        java.nio.file.Files.createTempFile("superres-", "." + format.extension());
    try {
      EnhanceToFile.Outcome o =
          new EnhanceToFile(n, tiler, settings.limits, settings.output, settings.postProcess)
              .run(
                  () -> open(in),
                  local,
                  format,
                  in.reportAssets == null ? null : reportAssets.crops());
      row.readMs = o.readMs;
      row.decodeMs = o.decodeMs;
      row.inputWidth = o.inputWidth;
      row.inputHeight = o.inputHeight;
      row.channels = o.channels;
      row.bitDepth = o.bitDepth;
      row.note = o.note;
      row.postprocess = settings.postProcess.description();
      row.inferMs = o.inferMs;
      row.tiles = o.tiles;
      row.outputWidth = o.outputWidth;
      row.outputHeight = o.outputHeight;
      row.encodeMs = o.encodeMs;
      row.outputBytes = o.outputBytes;

      long t = System.nanoTime();
      store.copy(local, in.outputUri, origin.attemptTag);
      row.writeMs = ms(t);
      if (o.report != null) {
        reportAssets.write(in, o.report, model.scale(), origin.attemptTag);
      }
    } finally {
      java.nio.file.Files.deleteIfExists(local);
    }
  }

  private InputStream open(InputFile in) throws IOException {
    Path p = new Path(in.uri);
    FileSystem fs = p.getFileSystem(hadoop);
    settings.limits.checkBytes(fs.getFileStatus(p).getLen());
    return fs.open(p);
  }

  /**
   * The configured format, or for "same" the one the output's extension names (see OutputLayout).
   */
  private ImageFormat outputFormat(String outputUri) {
    return settings.outputFormat != null
        ? settings.outputFormat
        : ImageFormat.fromExtension(outputUri.substring(outputUri.lastIndexOf('.') + 1));
  }

  private static void fail(ManifestRow row, String kind, String message) {
    row.status = ManifestRow.FAILED;
    row.error = kind + ": " + message;
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
