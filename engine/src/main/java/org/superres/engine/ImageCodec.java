package org.superres.engine;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_COMPRESSION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_WEBP_QUALITY;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;

/**
 * Bytes to pixels and back with OpenCV's codecs. Decoding keeps channels and bit depth as stored
 * (IMREAD_UNCHANGED), then applies the EXIF orientation exactly once itself, since OpenCV skips it
 * for unchanged reads.
 */
public final class ImageCodec {
  private final ImageLimits limits;

  public ImageCodec(ImageLimits limits) {
    this.limits = limits;
  }

  /** Format and size from the first bytes and the header; refuses what exceeds the limits. */
  public ImageHeader probe(byte[] bytes, ImageFormat format) {
    ImageHeader header = ImageHeader.read(bytes, format);
    limits.check(header);
    return header;
  }

  public DecodedImage decode(byte[] bytes) {
    ImageFormat format = ImageFormat.sniff(bytes);
    ImageHeader header = probe(bytes, format);
    Mat buf = new Mat(1, bytes.length, opencv_core.CV_8UC1);
    buf.data().put(bytes);
    IntPointer types = new IntPointer(8);
    MatVector blocks = new MatVector();
    Mat pixels;
    try {
      pixels = opencv_imgcodecs.imdecodeWithMetadata(buf, types, blocks, IMREAD_UNCHANGED);
    } catch (RuntimeException e) {
      throw new EngineException(
          FailureKind.DECODE, "corrupt " + format + ": " + firstLine(e.getMessage()), e);
    }
    if (pixels == null || pixels.empty()) {
      throw new EngineException(
          FailureKind.DECODE, "corrupt or truncated " + format + ": OpenCV could not decode it");
    }
    ImageMetadata metadata = ImageMetadata.from(types, blocks);
    if (format == ImageFormat.PNG) {
      metadata = metadata.withXmp(PngChunks.xmp(bytes));
    }
    int depth = pixels.depth();
    if (depth != opencv_core.CV_8U && depth != opencv_core.CV_16U) {
      throw new EngineException(
          FailureKind.UNSUPPORTED,
          format
              + " with "
              + depthName(depth)
              + " samples is not supported: convert to 8 or 16-bit integers");
    }
    int c = pixels.channels();
    if (c != 1 && c != 3 && c != 4) {
      throw new EngineException(
          FailureKind.UNSUPPORTED, format + " with " + c + " channels is not supported");
    }
    int orientation =
        metadata.exif == null ? ExifOrientation.NORMAL : ExifOrientation.read(metadata.exif);
    return new DecodedImage(
        ExifOrientation.apply(pixels, orientation),
        format,
        orientation,
        metadata,
        framesNote(format, header.frames));
  }

  /**
   * Encodes pixels; with {@code metadata} non-empty, EXIF (orientation normal), ICC and XMP are
   * written where the format carries them. 16-bit pixels are reduced to 8 bits only for formats
   * without 16-bit samples.
   */
  public byte[] encode(Mat pixels, ImageFormat format, int jpegQuality, ImageMetadata metadata) {
    Mat img = samplesFor(pixels, format);
    String ext = "." + format.extension();
    int[] params = params(format, jpegQuality);
    BytePointer out = new BytePointer();
    boolean ok;
    try {
      if (withMetadata(format, metadata)) {
        ok =
            opencv_imgcodecs.imencodeWithMetadata(
                new BytePointer(ext),
                img,
                new IntPointer(metadata.types(format)),
                metadata.blocks(format),
                out,
                new IntPointer(params));
      } else {
        ok = opencv_imgcodecs.imencode(ext, img, out, new IntPointer(params));
      }
    } catch (RuntimeException e) {
      throw new EngineException(
          FailureKind.ENCODE, "cannot encode " + format + ": " + firstLine(e.getMessage()), e);
    }
    if (!ok) {
      throw new EngineException(FailureKind.ENCODE, "OpenCV refused to encode " + format);
    }
    byte[] bytes = new byte[(int) out.limit()];
    out.get(bytes);
    out.close();
    if (format == ImageFormat.PNG && metadata != null && metadata.xmp != null) {
      bytes = PngChunks.withXmp(bytes, metadata.xmp);
    }
    return bytes;
  }

  /**
   * Encodes straight into a local file and returns its size. The codec then streams to disk instead
   * of growing an in-memory buffer (and its copies) as large as the encoded image, so an executor's
   * peak memory is the output pixels plus a tile, whatever the output size.
   */
  public long encodeToFile(
      Mat pixels,
      ImageFormat format,
      int jpegQuality,
      ImageMetadata metadata,
      java.nio.file.Path file)
      throws java.io.IOException {
    if (format == ImageFormat.PNG && metadata != null && metadata.xmp != null) {
      // OpenCV writes PNG XMP wrongly (see PngChunks): this rare case goes through memory
      byte[] bytes = encode(pixels, format, jpegQuality, metadata);
      java.nio.file.Files.write(file, bytes);
      return bytes.length;
    }
    Mat img = samplesFor(pixels, format);
    int[] params = params(format, jpegQuality);
    boolean ok;
    try {
      if (withMetadata(format, metadata)) {
        ok =
            opencv_imgcodecs.imwriteWithMetadata(
                new BytePointer(file.toString()),
                img,
                new IntPointer(metadata.types(format)),
                metadata.blocks(format),
                new IntPointer(params));
      } else {
        ok = opencv_imgcodecs.imwrite(file.toString(), img, new IntPointer(params));
      }
    } catch (RuntimeException e) {
      throw new EngineException(
          FailureKind.ENCODE, "cannot encode " + format + ": " + firstLine(e.getMessage()), e);
    }
    if (!ok) {
      throw new EngineException(
          FailureKind.ENCODE, "OpenCV refused to encode " + format + " into " + file);
    }
    return java.nio.file.Files.size(file);
  }

  /** 16-bit pixels are reduced to 8 bits only for formats without 16-bit samples. */
  private static Mat samplesFor(Mat pixels, ImageFormat format) {
    if (pixels.depth() == opencv_core.CV_16U
        && (format == ImageFormat.JPEG
            || format == ImageFormat.WEBP
            || format == ImageFormat.BMP)) {
      Mat img = new Mat();
      pixels.convertTo(img, opencv_core.CV_8U, 1.0 / 257.0, 0);
      return img;
    }
    return pixels;
  }

  private static boolean withMetadata(ImageFormat format, ImageMetadata metadata) {
    return metadata != null && !metadata.isEmpty() && carriesMetadata(format);
  }

  /** OpenCV's imdecode reads the first frame or page only; the manifest says so. */
  static String framesNote(ImageFormat format, int frames) {
    if (frames <= 1) return null;
    return format == ImageFormat.TIFF
        ? "first page of " + frames + " (multi-page TIFF); the other pages were not processed"
        : "first frame of "
            + frames
            + " (animated "
            + format
            + "); the other frames were not processed";
  }

  private static boolean carriesMetadata(ImageFormat f) {
    return f == ImageFormat.JPEG || f == ImageFormat.PNG || f == ImageFormat.WEBP;
  }

  private static int[] params(ImageFormat format, int quality) {
    switch (format) {
      case JPEG:
        return new int[] {IMWRITE_JPEG_QUALITY, quality};
      case WEBP:
        return new int[] {IMWRITE_WEBP_QUALITY, quality};
      case PNG:
        return new int[] {IMWRITE_PNG_COMPRESSION, 3};
      default:
        return new int[0];
    }
  }

  private static String depthName(int depth) {
    switch (depth) {
      case opencv_core.CV_32F:
        return "32-bit float";
      case opencv_core.CV_64F:
        return "64-bit float";
      case opencv_core.CV_8S:
        return "signed 8-bit";
      case opencv_core.CV_16S:
        return "signed 16-bit";
      case opencv_core.CV_32S:
        return "32-bit integer";
      default:
        return "depth " + depth;
    }
  }

  static String firstLine(String s) {
    if (s == null) return "no detail";
    String t = s.trim();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }
}
