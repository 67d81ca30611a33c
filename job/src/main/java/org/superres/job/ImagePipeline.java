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
import org.superres.engine.FailureKind;
import org.superres.engine.ImageFormat;
import org.superres.engine.ModelSpec;
import org.superres.engine.ReportCrops;
import org.superres.engine.SuperResNet;
import org.superres.engine.TiledUpscaler;
import org.superres.manifest.ManifestRow;
import org.superres.output.FileSystems;
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

  /** All stages of one input, one after the other on the calling thread. */
  public ManifestRow process(PlannedInput in, Origin origin) {
    Work w = start(in, origin);
    w.decode();
    w.enhance();
    w.write();
    return w.finish();
  }

  /** An input entering the stages: its row is filled as it goes. */
  public Work start(PlannedInput in, Origin origin) {
    return new Work(in, origin);
  }

  /**
   * One input on its way through the stages (read and decode, enhance, encode and write), each of
   * which may run on another thread, one after the other. A failure in a stage becomes the row's
   * error and the later stages do nothing; a cancelled input (timed out) stops at the next stage
   * and never writes its output.
   */
  public final class Work {
    final PlannedInput in;
    private final Origin origin;
    private final ManifestRow row;
    private final long t0 = System.nanoTime();
    private volatile boolean cancelled;
    private volatile String stage = "queued";
    private boolean finished;
    private EnhanceToFile engine;
    private EnhanceToFile.Opened opened;
    private ImageFormat format;
    private java.nio.file.Path local;
    private ReportCrops.Result crops;

    private Work(PlannedInput in, Origin origin) {
      this.in = in;
      this.origin = origin;
      this.row = baseRow();
      switch (in.action) {
        case PLAN_ERROR:
          row.fail(in.failureKind, in.reason);
          finished = true;
          break;
        case SKIP:
          row.status = ManifestRow.SKIPPED;
          row.note = in.reason;
          finished = true;
          break;
        default:
          break;
      }
    }

    private ManifestRow baseRow() {
      ManifestRow r = new ManifestRow();
      r.runId = origin.runId;
      r.inputUri = in.input.uri;
      r.outputUri = in.outputUri;
      r.inputBytes = in.input.size;
      r.inputMtime =
          in.input.modificationTime == null
              ? null
              : Instant.ofEpochMilli(in.input.modificationTime).toString();
      r.modelName = model.name();
      r.modelSha256 = model.sha256();
      r.scale = model.scale();
      r.executorId = origin.executorId;
      r.host = origin.host;
      r.taskAttempt = origin.attempt;
      return r;
    }

    /** The stage this input is in (for a timeout's message). */
    public String stage() {
      return stage;
    }

    /**
     * Opens the input: reads its header, and its pixels too unless it can be read by rows while it
     * is enhanced (PNG and TIFF of the usual layouts: see docs/gigapixel.md).
     */
    public void decode() {
      run(
          "read",
          () -> {
            settings.limits.checkBytes(in.input.size);
            // The model (and OpenCV's natives) load before the clock starts: their cost is the
            // summary's, not an image's.
            SuperResNet n = net.get();
            row.device = n.device().toString();
            engine =
                new EnhanceToFile(n, tiler, settings.limits, settings.output, settings.postProcess);
            format = outputFormat(in.outputUri);
            opened = engine.open(() -> open(in.input), format);
            EnhanceToFile.Outcome o = opened.outcome;
            row.inputWidth = o.inputWidth;
            row.inputHeight = o.inputHeight;
            row.channels = o.channels;
            row.bitDepth = o.bitDepth;
            row.note = o.note;
          });
    }

    /**
     * The model (tiled, a row of tiles at a time), post-processing, the gallery's crops, and the
     * encoding into a local file, strip by strip where the output format allows.
     */
    public void enhance() {
      run(
          "infer",
          () -> {
            local = java.nio.file.Files.createTempFile("superres-", "." + format.extension());
            EnhanceToFile.Opened input = opened;
            opened = null; // run closes it
            EnhanceToFile.Outcome o =
                engine.run(
                    input, local, format, in.galleryPrefix == null ? null : reportAssets.crops());
            row.readMs = o.readMs;
            row.decodeMs = o.decodeMs;
            row.postprocess = settings.postProcess.description();
            row.inferMs = o.inferMs;
            row.tiles = o.tiles;
            row.outputWidth = o.outputWidth;
            row.outputHeight = o.outputHeight;
            row.encodeMs = o.encodeMs;
            row.outputBytes = o.outputBytes;
            crops = o.report;
          });
    }

    /** Writes the encoded file to the output (whole or not at all), then the gallery's files. */
    public void write() {
      run(
          "write",
          () -> {
            if (cancelled) {
              return; // timed out meanwhile: its row says so, and no output may appear
            }
            long t = System.nanoTime();
            store.copy(local, in.outputUri, origin.attemptTag);
            row.writeMs = ms(t);
            if (crops != null) {
              reportAssets.write(in, crops, model.scale(), origin.attemptTag);
            }
            row.status = ManifestRow.OK;
          });
    }

    /** The row, once every stage ran (or the input failed in one). */
    public ManifestRow finish() {
      release();
      row.totalMs = ms(t0);
      row.finishedAt = Instant.now().toString();
      return row;
    }

    /**
     * Gives up on this input: its later stages do nothing and it never writes its output. Returns
     * its timeout row, a row of its own (the stage still running may go on writing into the other).
     */
    public ManifestRow timeOut(long timeoutMillis) {
      cancelled = true;
      ManifestRow r = baseRow();
      r.fail(
          FailureKind.TIMEOUT,
          "not finished within limits.input-timeout="
              + timeoutMillis
              + " ms (it was in its "
              + stage
              + " stage); a stalled read (stuck mount or object store), decode or inference:"
              + " check the file and its storage, or raise limits.input-timeout");
      r.totalMs = ms(t0);
      r.finishedAt = Instant.now().toString();
      return r;
    }

    /** Runs one stage unless the input is done, failed or cancelled; a failure becomes its row. */
    private void run(String name, StageBody body) {
      if (finished || cancelled) {
        return;
      }
      stage = name;
      try {
        body.run();
      } catch (EngineException e) {
        fail(e.kind(), e.getMessage());
      } catch (FileNotFoundException e) {
        fail(FailureKind.MISSING, "input disappeared after listing: " + e.getMessage());
      } catch (IOException e) {
        fail(FailureKind.IO, e.getClass().getSimpleName() + ": " + e.getMessage());
      } catch (RuntimeException | OutOfMemoryError e) {
        fail(FailureKind.INTERNAL, e.getClass().getName() + ": " + e.getMessage());
      }
    }

    private void fail(FailureKind kind, String message) {
      row.fail(kind, message);
      finished = true;
      release();
    }

    /** Frees what an input holds once it is done or failed: its opened input, its local file. */
    private void release() {
      try {
        if (opened != null) {
          opened.close();
          opened = null;
        }
        if (local != null) {
          java.nio.file.Files.deleteIfExists(local);
          local = null;
        }
      } catch (IOException e) {
        // a temporary file that cannot be deleted is no reason to fail the input
      }
    }
  }

  private interface StageBody {
    void run() throws IOException;
  }

  private InputStream open(InputFile in) throws IOException {
    Path p = new Path(in.uri);
    FileSystem fs = FileSystems.of(p, hadoop);
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

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
