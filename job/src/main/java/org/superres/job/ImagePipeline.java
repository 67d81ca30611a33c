package org.superres.job;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IOUtils;
import org.bytedeco.opencv.opencv_core.Mat;
import org.superres.config.JobSettings;
import org.superres.engine.DecodedImage;
import org.superres.engine.EngineException;
import org.superres.engine.Enhancer;
import org.superres.engine.FailureKind;
import org.superres.engine.ImageCodec;
import org.superres.engine.ImageFormat;
import org.superres.engine.ImageMetadata;
import org.superres.engine.ModelSpec;
import org.superres.engine.ReportCrops;
import org.superres.engine.SuperResNet;
import org.superres.engine.TiledUpscaler;
import org.superres.manifest.ManifestRow;
import org.superres.output.OutputStore;
import org.superres.plan.InputFile;
import org.superres.plan.PlannedInput;

/**
 * One input from bytes to written output: read, probe, decode, enhance, encode, write, each timed.
 * Any failure of one input becomes its manifest row; it never escapes to fail the task.
 */
public final class ImagePipeline {
  private final JobSettings settings;
  private final ModelSpec model;
  private final Supplier<SuperResNet> net;
  private final ImageCodec codec;
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
    this.codec = new ImageCodec(settings.limits);
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

  public ManifestRow process(PlannedInput in, Origin origin) {
    long t0 = System.nanoTime();
    ManifestRow row = new ManifestRow();
    row.runId = origin.runId;
    row.inputUri = in.input.uri;
    row.outputUri = in.outputUri;
    row.inputBytes = in.input.size;
    row.inputMtime = Instant.ofEpochMilli(in.input.modificationTime).toString();
    row.modelName = model.name();
    row.modelSha256 = model.sha256();
    row.scale = model.scale();
    row.executorId = origin.executorId;
    row.host = origin.host;
    row.taskAttempt = origin.attempt;
    try {
      switch (in.action) {
        case PLAN_ERROR:
          row.fail(FailureKind.PLAN, in.reason);
          break;
        case SKIP:
          row.status = ManifestRow.SKIPPED;
          row.note = in.reason;
          break;
        default:
          run(in, origin, row);
          row.status = ManifestRow.OK;
      }
    } catch (EngineException e) {
      row.fail(e.kind(), e.getMessage());
    } catch (FileNotFoundException e) {
      row.fail(FailureKind.MISSING, "input disappeared after listing: " + e.getMessage());
    } catch (IOException e) {
      row.fail(FailureKind.IO, e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (RuntimeException | OutOfMemoryError e) {
      row.fail(FailureKind.INTERNAL, e.getClass().getName() + ": " + e.getMessage());
    }
    row.totalMs = ms(t0);
    row.finishedAt = Instant.now().toString();
    return row;
  }

  private void run(PlannedInput in, Origin origin, ManifestRow row) throws IOException {
    settings.limits.checkBytes(in.input.size);
    // The model (and OpenCV's natives) load before the clock starts: their cost is the summary's,
    // not an image's.
    SuperResNet n = net.get();
    row.device = n.device().toString();
    long t = System.nanoTime();
    byte[] bytes = read(in.input);
    row.readMs = ms(t);
    row.inputBytes = (long) bytes.length;

    t = System.nanoTime();
    DecodedImage img = codec.decode(bytes);
    row.decodeMs = ms(t);
    row.inputWidth = img.width();
    row.inputHeight = img.height();
    row.channels = img.channels();
    row.bitDepth = img.bitDepth();
    row.note = img.note;

    t = System.nanoTime();
    TiledUpscaler.Result up = new Enhancer(n, tiler).enhance(img.pixels);
    Mat enhanced = settings.postProcess.apply(up.image);
    row.postprocess = settings.postProcess.description();
    row.inferMs = ms(t);
    row.tiles = up.tiles;
    row.outputWidth = enhanced.cols();
    row.outputHeight = enhanced.rows();

    // Gallery crops are made while the pixels are here; written only once the output itself is.
    ReportCrops.Result crops =
        in.galleryPrefix == null
            ? null
            : reportAssets.make(in, img.pixels, enhanced, model.scale());
    // The input is not needed any more: free it before the largest allocation, encoding.
    img.pixels.close();
    if (enhanced != up.image) {
      up.image.close();
    }

    ImageFormat format = outputFormat(in.outputUri);
    java.nio.file.Path local =
        java.nio.file.Files.createTempFile("superres-", "." + format.extension());
    try {
      t = System.nanoTime();
      row.outputBytes =
          codec.encodeToFile(
              enhanced,
              format,
              settings.jpegQuality,
              settings.keepMetadata ? img.metadata : ImageMetadata.NONE,
              local);
      row.encodeMs = ms(t);
      enhanced.close();

      t = System.nanoTime();
      store.copy(local, in.outputUri, origin.attemptTag);
      row.writeMs = ms(t);
    } finally {
      java.nio.file.Files.deleteIfExists(local);
    }
    if (crops != null) {
      reportAssets.write(in, crops, model.scale(), origin.attemptTag);
    }
  }

  private byte[] read(InputFile in) throws IOException {
    Path p = new Path(in.uri);
    FileSystem fs = p.getFileSystem(hadoop);
    long len = fs.getFileStatus(p).getLen();
    settings.limits.checkBytes(len);
    byte[] bytes = new byte[(int) len];
    try (InputStream s = fs.open(p)) {
      IOUtils.readFully(s, bytes, 0, bytes.length);
    }
    return bytes;
  }

  /**
   * The configured format, or for "same" the one the output's extension names (see OutputLayout).
   */
  private ImageFormat outputFormat(String outputUri) {
    return settings.outputFormat != null
        ? settings.outputFormat
        : ImageFormat.fromExtension(outputUri.substring(outputUri.lastIndexOf('.') + 1));
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
