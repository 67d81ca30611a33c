package org.superres.engine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Width and height read from the header alone, before any pixel buffer exists, so that
 * decompression bombs are refused by {@code limits.max-input-pixels} instead of exhausting executor
 * memory. Uses the JDK's ImageIO readers (header only); WebP, which the JDK lacks, is read from its
 * VP8/VP8L/VP8X chunk.
 */
public final class ImageHeader {
  public final int width;
  public final int height;

  /**
   * Frames of an animated GIF or pages of a TIFF (only the first is enhanced); 1 for other formats.
   */
  public final int frames;

  /**
   * Every size the file declares beyond the first image's, each with what declares it (a GIF's
   * logical screen, which decoders allocate whole; later frames or pages): limits apply to all.
   */
  public final List<DeclaredSize> declared;

  /** A width and height some part of a file's header declares. */
  public static final class DeclaredSize {
    public final String what;
    public final int width;
    public final int height;

    DeclaredSize(String what, int width, int height) {
      this.what = what;
      this.width = width;
      this.height = height;
    }
  }

  private ImageHeader(int width, int height) {
    this(width, height, 1, List.of());
  }

  private ImageHeader(int width, int height, int frames, List<DeclaredSize> declared) {
    this.width = width;
    this.height = height;
    this.frames = frames;
    this.declared = declared;
  }

  public static ImageHeader read(byte[] bytes, ImageFormat format) {
    if (format == ImageFormat.WEBP) {
      return webp(bytes);
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new EngineException(FailureKind.DECODE, "no reader for this " + format + " header");
      }
      ImageReader reader = readers.next();
      try {
        boolean multi = format == ImageFormat.GIF || format == ImageFormat.TIFF;
        reader.setInput(in, !multi, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        int frames = multi ? frameCount(reader) : 1;
        List<DeclaredSize> declared = new ArrayList<>();
        if (format == ImageFormat.GIF && bytes.length >= 10) {
          declared.add(new DeclaredSize("GIF logical screen", u16(bytes, 6), u16(bytes, 8)));
        }
        String unit = format == ImageFormat.TIFF ? "page" : "frame";
        for (int i = 1; i < frames; i++) {
          try {
            declared.add(
                new DeclaredSize(unit + " " + (i + 1), reader.getWidth(i), reader.getHeight(i)));
          } catch (IOException | RuntimeException e) {
            break; // a damaged later frame: only the first one is used
          }
        }
        return new ImageHeader(w, h, frames, declared);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof EngineException) throw (EngineException) e;
      throw new EngineException(
          FailureKind.DECODE, "corrupt or truncated " + format + " header: " + e.getMessage(), e);
    }
  }

  /**
   * Walks the GIF blocks or TIFF directories without decoding pixels (the file is already bounded
   * by limits.max-input-bytes). A damaged later frame does not fail the image: only the first one
   * is used.
   */
  private static int frameCount(ImageReader reader) {
    try {
      return Math.max(1, reader.getNumImages(true));
    } catch (IOException | RuntimeException e) {
      return 1;
    }
  }

  private static ImageHeader webp(byte[] b) {
    if (b.length < 30) {
      throw new EngineException(FailureKind.DECODE, "truncated WebP header");
    }
    String chunk = new String(b, 12, 4, java.nio.charset.StandardCharsets.US_ASCII);
    switch (chunk) {
      case "VP8X": // the canvas, which an animation's frames are drawn on
        return new ImageHeader(1 + u24(b, 24), 1 + u24(b, 27));
      case "VP8L":
        {
          int bits =
              (b[21] & 0xff) | (b[22] & 0xff) << 8 | (b[23] & 0xff) << 16 | (b[24] & 0xff) << 24;
          return new ImageHeader(1 + (bits & 0x3fff), 1 + ((bits >>> 14) & 0x3fff));
        }
      case "VP8 ":
        return new ImageHeader(u16(b, 26) & 0x3fff, u16(b, 28) & 0x3fff);
      default:
        throw new EngineException(FailureKind.DECODE, "unknown WebP chunk '" + chunk + "'");
    }
  }

  private static int u16(byte[] b, int i) {
    return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
  }

  private static int u24(byte[] b, int i) {
    return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16;
  }
}
