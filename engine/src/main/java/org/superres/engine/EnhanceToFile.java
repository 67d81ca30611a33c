package org.superres.engine;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One input to one enhanced output file, in memory independent of the image size where the formats
 * allow: PNG and TIFF inputs of the usual layouts are decoded by rows (others are decoded whole,
 * see docs/gigapixel.md), the image is upscaled one row of tiles at a time ({@link StripEnhancer}),
 * and PNG, TIFF and pyramidal TIFF outputs are encoded strip by strip as they come. JPEG, WebP and
 * BMP outputs, and CLAHE (whose histograms span the image), keep the whole output in memory, up to
 * limits.max-output-pixels-in-memory.
 */
public final class EnhanceToFile {
  private static final Logger LOG = LoggerFactory.getLogger(EnhanceToFile.class);

  /** Opens the input from its first byte; may be called more than once. */
  public interface Input {
    InputStream open() throws IOException;
  }

  /** What the manifest records of one enhanced image. */
  public static final class Outcome {
    public ImageFormat inputFormat;
    public int inputWidth;
    public int inputHeight;
    public int channels;
    public int bitDepth;
    public String note;
    public int outputWidth;
    public int outputHeight;
    public int tiles;
    public long outputBytes;
    public long readMs;
    public long decodeMs;
    public long inferMs;
    public long encodeMs;

    /** Whether the input was decoded row by row, and the output encoded strip by strip. */
    public boolean streamedInput;

    public boolean streamedOutput;

    /** The report's images, when asked for and they could be made; else null. */
    public ReportCrops.Result report;
  }

  private final SuperResNet net;
  private final TiledUpscaler tiler;
  private final ImageLimits limits;
  private final ImageCodec codec;
  private final OutputSettings out;
  private final PostProcess post;

  public EnhanceToFile(
      SuperResNet net,
      TiledUpscaler tiler,
      ImageLimits limits,
      OutputSettings out,
      PostProcess post) {
    this.net = net;
    this.tiler = tiler;
    this.limits = limits;
    this.codec = new ImageCodec(limits);
    this.out = out;
    this.post = post;
  }

  /**
   * Enhances {@code input} into {@code file} as {@code format}: {@link #open}, then {@link
   * #run(Opened, Path, ImageFormat, ReportCrops)}.
   *
   * @param report makes the run report's crops of this image; null for none
   */
  public Outcome run(Input input, Path file, ImageFormat format, ReportCrops report)
      throws IOException {
    return run(open(input, format), file, format, report);
  }

  /**
   * An input opened for enhancement: decoded whole, or (PNG and TIFF of the usual layouts) its
   * header read and its rows left to be read as it is enhanced. The job opens the next input while
   * the current one is enhanced.
   */
  public static final class Opened implements AutoCloseable {
    private final Input input;
    private final Source src;
    private final Timed stream;
    private final long openNanos;

    /** What is known of the image once opened: format, size, channels, depth, note. */
    public final Outcome outcome;

    private Opened(Input input, Source src, Timed stream, long openNanos, Outcome outcome) {
      this.input = input;
      this.src = src;
      this.stream = stream;
      this.openNanos = openNanos;
      this.outcome = outcome;
    }

    @Override
    public void close() throws IOException {
      try {
        src.rows.close();
      } finally {
        stream.close();
      }
    }
  }

  /**
   * Opens {@code input}: its header (limits checked), and for inputs that cannot be read by rows,
   * its bytes, decoded. Refuses an output {@code format} cannot hold before any inference.
   */
  public Opened open(Input input, ImageFormat format) throws IOException {
    Outcome o = new Outcome();
    int scale = net.spec().scale();
    long t0 = System.nanoTime();
    Timed stream = new Timed(input.open());
    Source src;
    try {
      src = open(stream, input, format, scale, o);
    } catch (IOException | RuntimeException e) {
      stream.close();
      throw e;
    }
    Opened opened = new Opened(input, src, stream, System.nanoTime() - t0, o);
    try {
      RowSource rows = src.rows;
      o.inputWidth = rows.width();
      o.inputHeight = rows.height();
      o.channels = opencv_core.CV_MAT_CN(rows.type());
      o.bitDepth = opencv_core.CV_MAT_DEPTH(rows.type()) == opencv_core.CV_16U ? 16 : 8;
      o.outputWidth = rows.width() * scale;
      o.outputHeight = rows.height() * scale;
      checkOutput(format, o.outputWidth, o.outputHeight);
      return opened;
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  /**
   * Enhances an opened input into {@code file} as {@code format}, and closes it.
   *
   * @param report makes the run report's crops of this image; null for none
   */
  public Outcome run(Opened opened, Path file, ImageFormat format, ReportCrops report)
      throws IOException {
    try (Opened in = opened) {
      Outcome o = in.outcome;
      Source src = in.src;
      RowSource rows = src.rows;
      int scale = net.spec().scale();
      ReportCrops.Collector crops = report == null ? null : collector(report, src, in.input, scale);
      ImageMetadata metadata = out.keepMetadata ? src.metadata : ImageMetadata.NONE;
      o.streamedOutput = format.streams() && post.perStrip();
      StripEnhancer enhancer = new StripEnhancer(net, tiler);
      long[] encodeNanos = {0};
      long t1 = System.nanoTime();
      WholeImage whole =
          o.streamedOutput ? null : new WholeImage(format, file, o, rows.type(), metadata, crops);
      try (StripSink sink =
          whole == null
              ? streamingSink(format, file, o.outputWidth, o.outputHeight, rows.type(), metadata)
              : whole) {
        StripEnhancer.InputRows seen = crops == null ? null : crops::input;
        o.tiles =
            enhancer.run(
                rows,
                strip -> {
                  Mat finished = o.streamedOutput ? post.apply(strip) : strip;
                  try {
                    if (crops != null && o.streamedOutput) crops.output(finished);
                    long t = System.nanoTime();
                    sink.write(finished);
                    encodeNanos[0] += System.nanoTime() - t;
                  } finally {
                    if (finished != strip) finished.close();
                  }
                },
                seen);
        long t = System.nanoTime();
        sink.finish();
        encodeNanos[0] += System.nanoTime() - t;
      }
      if (whole != null) encodeNanos[0] -= whole.postNanos; // post-processing counts as infer_ms
      long runNanos = System.nanoTime() - t1;
      long readNanos = in.stream.nanos;
      o.readMs = readNanos / 1_000_000;
      o.decodeMs = Math.max(0, in.openNanos + enhancer.readNanos() - readNanos) / 1_000_000;
      o.encodeMs = encodeNanos[0] / 1_000_000;
      o.inferMs = Math.max(0, runNanos - enhancer.readNanos() - encodeNanos[0]) / 1_000_000;
      o.outputBytes = Files.size(file);
      o.report = crops == null ? null : report(crops);
      return o;
    }
  }

  /** The decoded input: rows, metadata and what the manifest notes. */
  private static final class Source {
    final RowSource rows;
    final ImageMetadata metadata;
    final Mat whole;
    final ImageFormat format;

    Source(RowSource rows, ImageMetadata metadata, Mat whole, ImageFormat format) {
      this.rows = rows;
      this.metadata = metadata;
      this.whole = whole;
      this.format = format;
    }
  }

  private Source open(Timed stream, Input input, ImageFormat format, int scale, Outcome o)
      throws IOException {
    BufferedInputStream b = new BufferedInputStream(stream, 1 << 16);
    b.mark(512);
    byte[] head = b.readNBytes(512);
    b.reset();
    o.inputFormat = ImageFormat.sniff(head);
    if (o.inputFormat == ImageFormat.PNG || o.inputFormat == ImageFormat.TIFF) {
      RowSource rows = streamedRows(o.inputFormat, b, limits);
      if (rows != null) {
        o.streamedInput = true;
        ImageMetadata m =
            rows instanceof PngRows ? ((PngRows) rows).metadata() : ImageMetadata.NONE;
        return new Source(rows, m, null, o.inputFormat);
      }
      stream.reopen(input.open());
      b = new BufferedInputStream(stream, 1 << 16);
    }
    byte[] bytes = b.readAllBytes();
    stream.close();
    ImageHeader header = codec.probe(bytes, o.inputFormat);
    checkOutput(format, (long) header.width * scale, (long) header.height * scale);
    DecodedImage img = codec.decode(bytes);
    o.note = img.note;
    return new Source(new MatRows(img.pixels), img.metadata, img.pixels, o.inputFormat);
  }

  /**
   * PNG and TIFF inputs read a few rows at a time where their layout allows (else null: the stream
   * is closed, and the input is decoded whole).
   */
  private static RowSource streamedRows(ImageFormat format, InputStream in, ImageLimits limits)
      throws IOException {
    return format == ImageFormat.PNG ? PngRows.open(in, limits) : TiffRows.open(in, limits);
  }

  /**
   * Refuses, before any inference, an output its format cannot hold, or one that would be encoded
   * whole over limits.max-output-pixels-in-memory.
   */
  private void checkOutput(ImageFormat format, long w, long h) {
    long side = Math.max(w, h);
    if (format == ImageFormat.WEBP && side > OutputSettings.WEBP_MAX_SIDE) {
      throw new EngineException(
          FailureKind.UNSUPPORTED,
          tooLarge(w, h, "WebP holds at most " + OutputSettings.WEBP_MAX_SIDE + " pixels a side"));
    }
    if (format == ImageFormat.JPEG && side > OutputSettings.JPEG_MAX_SIDE) {
      throw new EngineException(
          FailureKind.UNSUPPORTED,
          tooLarge(w, h, "JPEG holds at most " + OutputSettings.JPEG_MAX_SIDE + " pixels a side"));
    }
    boolean whole = !format.streams() || !post.perStrip();
    if (whole && out.maxPixelsInMemory > 0 && w * h > out.maxPixelsInMemory) {
      String why =
          format.streams()
              ? "CLAHE (postprocess.clahe) equalises the whole image, so it is done in memory"
              : format.name().toLowerCase(java.util.Locale.ROOT)
                  + " outputs are encoded whole in memory";
      throw new EngineException(
          FailureKind.LIMITS,
          "the output would be "
              + w
              + "x"
              + h
              + " = "
              + w * h
              + " pixels, over limits.max-output-pixels-in-memory="
              + out.maxPixelsInMemory
              + ": "
              + why
              + "; png, tiff and tiff-pyramid outputs are streamed in strips whatever their size"
              + " (output.format), or raise the limit");
    }
  }

  private static String tooLarge(long w, long h, String limit) {
    return limit
        + ", and this output would be "
        + w
        + "x"
        + h
        + ": choose output.format png, tiff or tiff-pyramid";
  }

  /** Where the report's crop goes: chosen from the whole input, or a first pass over its rows. */
  private static ReportCrops.Collector collector(
      ReportCrops report, Source src, Input input, int scale) {
    try {
      int w = src.rows.width();
      int h = src.rows.height();
      Rect crop;
      if (src.whole != null) {
        crop = report.detailCrop(src.whole, w * scale, h * scale, scale);
      } else {
        try (RowSource again =
            streamedRows(src.format, new BufferedInputStream(input.open(), 1 << 16), null)) {
          crop = report.detailCrop(again, scale);
        }
      }
      return report.collector(crop, w, h, scale);
    } catch (IOException | RuntimeException e) {
      LOG.warn("report: no gallery crops: {}", e.toString());
      return null;
    }
  }

  /** The report is a view of the run: a problem with it is logged and never fails the image. */
  private static ReportCrops.Result report(ReportCrops.Collector crops) {
    try {
      return crops.result();
    } catch (RuntimeException e) {
      LOG.warn("report: no gallery crops: {}", e.toString());
      return null;
    }
  }

  private StripSink streamingSink(
      ImageFormat format, Path file, int w, int h, int type, ImageMetadata metadata)
      throws IOException {
    int channels = opencv_core.CV_MAT_CN(type);
    int depth = opencv_core.CV_MAT_DEPTH(type);
    if (format == ImageFormat.PNG) {
      OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
      return new PngStripWriter(os, w, h, channels, depth, metadata);
    }
    return new TiledTiffWriter(
        file,
        w,
        h,
        channels,
        depth,
        out.tiffTile,
        format == ImageFormat.TIFF_PYRAMID,
        out.tiffCompression,
        out.jpegQuality,
        metadata);
  }

  /**
   * The in-memory path: strips are assembled, the whole image is post-processed and encoded
   * (streaming encoders for PNG and TIFF, OpenCV for the others).
   */
  private final class WholeImage implements StripSink {
    private final ImageFormat format;
    private final Path file;
    private final Outcome o;
    private final int type;
    private final ImageMetadata metadata;
    private final ReportCrops.Collector crops;
    private Mat image;
    private int rows;
    long postNanos;

    WholeImage(
        ImageFormat format,
        Path file,
        Outcome o,
        int type,
        ImageMetadata metadata,
        ReportCrops.Collector crops) {
      this.format = format;
      this.file = file;
      this.o = o;
      this.type = type;
      this.metadata = metadata;
      this.crops = crops;
    }

    @Override
    public void write(Mat strip) {
      if (image == null) image = new Mat(o.outputHeight, o.outputWidth, type);
      try (Mat to = image.rowRange(rows, rows + strip.rows())) {
        strip.copyTo(to);
      }
      rows += strip.rows();
    }

    @Override
    public void finish() throws IOException {
      long t = System.nanoTime();
      Mat enhanced = post.apply(image);
      postNanos = System.nanoTime() - t;
      if (enhanced != image) image.close();
      image = enhanced;
      if (crops != null) crops.output(image);
      if (format.streams()) {
        try (StripSink s =
            streamingSink(format, file, image.cols(), image.rows(), image.type(), metadata)) {
          s.write(image);
          s.finish();
        }
      } else {
        codec.encodeToFile(image, format, out.jpegQuality, metadata, file);
      }
    }

    @Override
    public void close() {
      if (image != null) image.close();
    }
  }

  /** The input stream, timed: the manifest's read_ms is the time spent waiting for its bytes. */
  private static final class Timed extends FilterInputStream {
    long nanos;

    Timed(InputStream in) {
      super(in);
    }

    void reopen(InputStream next) throws IOException {
      in.close();
      in = next;
    }

    @Override
    public int read() throws IOException {
      long t = System.nanoTime();
      try {
        return in.read();
      } finally {
        nanos += System.nanoTime() - t;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      long t = System.nanoTime();
      try {
        return in.read(b, off, len);
      } finally {
        nanos += System.nanoTime() - t;
      }
    }
  }
}
