package org.superres.engine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Width and height read from the header alone, before any pixel buffer exists, so that decompression bombs
 * are refused by {@code limits.max-input-pixels} instead of exhausting executor memory. Uses the JDK's
 * ImageIO readers (header only); WebP, which the JDK lacks, is read from its VP8/VP8L/VP8X chunk.
 */
public final class ImageHeader {
  public final int width;
  public final int height;

  private ImageHeader(int width, int height) {
    this.width = width;
    this.height = height;
  }

  public long pixels() {
    return (long) width * height;
  }

  public static ImageHeader read(byte[] bytes, ImageFormat format) {
    if (format == ImageFormat.WEBP) {
      return webp(bytes);
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new EngineException("decode", "no reader for this " + format + " header");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return new ImageHeader(reader.getWidth(0), reader.getHeight(0));
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof EngineException) throw (EngineException) e;
      throw new EngineException("decode", "corrupt or truncated " + format + " header: " + e.getMessage(), e);
    }
  }

  private static ImageHeader webp(byte[] b) {
    if (b.length < 30) {
      throw new EngineException("decode", "truncated WebP header");
    }
    String chunk = new String(b, 12, 4, java.nio.charset.StandardCharsets.US_ASCII);
    switch (chunk) {
      case "VP8X":
        return new ImageHeader(1 + u24(b, 24), 1 + u24(b, 27));
      case "VP8L": {
        int bits = (b[21] & 0xff) | (b[22] & 0xff) << 8 | (b[23] & 0xff) << 16 | (b[24] & 0xff) << 24;
        return new ImageHeader(1 + (bits & 0x3fff), 1 + ((bits >>> 14) & 0x3fff));
      }
      case "VP8 ":
        return new ImageHeader(u16(b, 26) & 0x3fff, u16(b, 28) & 0x3fff);
      default:
        throw new EngineException("decode", "unknown WebP chunk '" + chunk + "'");
    }
  }

  private static int u16(byte[] b, int i) {
    return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
  }

  private static int u24(byte[] b, int i) {
    return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16;
  }
}
