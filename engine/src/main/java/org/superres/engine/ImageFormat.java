package org.superres.engine;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Image container formats, recognised by their leading bytes, never by the file name. */
public enum ImageFormat {
  PNG("png"),
  JPEG("jpg"),
  WEBP("webp"),
  TIFF("tif"),
  /**
   * An output only: a tiled, multi-resolution TIFF for IIIF image servers (never sniffed: its
   * container is TIFF).
   */
  TIFF_PYRAMID("tif"),
  BMP("bmp"),
  GIF("gif");

  private final String extension;

  ImageFormat(String extension) {
    this.extension = extension;
  }

  /** The file extension written for this format (without the dot). */
  public String extension() {
    return extension;
  }

  /**
   * Whether the output is written strip by strip (memory independent of its size) rather than
   * encoded whole by OpenCV.
   */
  public boolean streams() {
    return this == PNG || this == TIFF || this == TIFF_PYRAMID;
  }

  /**
   * Output format names of the configuration: png|jpeg|webp|tiff|tiff-pyramid|same (null for same).
   */
  public static ImageFormat parseOutput(String s) {
    switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "png":
        return PNG;
      case "jpeg":
      case "jpg":
        return JPEG;
      case "webp":
        return WEBP;
      case "tiff":
      case "tif":
        return TIFF;
      case "tiff-pyramid":
        return TIFF_PYRAMID;
      case "same":
        return null;
      default:
        throw new IllegalArgumentException(
            "unknown output.format '"
                + s
                + "': expected png, jpeg, webp, tiff, tiff-pyramid or same");
    }
  }

  /** The format a file extension names (png, jpg, jpeg, webp, tif, tiff, bmp, gif). */
  public static ImageFormat fromExtension(String ext) {
    switch (ext.toLowerCase(Locale.ROOT)) {
      case "bmp":
        return BMP;
      case "gif":
        return GIF;
      default:
        return parseOutput(ext);
    }
  }

  /**
   * Identifies the format from the first bytes, or throws an {@link EngineException} saying what
   * the bytes look like instead (empty, PDF, HTML, text, unknown).
   */
  public static ImageFormat sniff(byte[] b) {
    if (b.length == 0) {
      throw new EngineException(FailureKind.EMPTY, "empty file (0 bytes)");
    }
    if (startsWith(b, 0, 0x89, 'P', 'N', 'G')) return PNG;
    if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) return JPEG;
    if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) return WEBP;
    if (startsWith(b, 0, 'I', 'I', 42, 0) || startsWith(b, 0, 'M', 'M', 0, 42)) return TIFF;
    if (startsWith(b, 0, 'B', 'M')) return BMP;
    if (startsWith(b, 0, 'G', 'I', 'F', '8')) return GIF;
    throw new EngineException(FailureKind.NOT_AN_IMAGE, "not an image: content is " + describe(b));
  }

  private static String describe(byte[] b) {
    String head =
        new String(b, 0, Math.min(b.length, 64), StandardCharsets.ISO_8859_1)
            .trim()
            .toLowerCase(Locale.ROOT);
    if (head.startsWith("%pdf")) return "a PDF document";
    if (head.startsWith("<!doctype html") || head.startsWith("<html") || head.contains("<html"))
      return "HTML";
    if (head.startsWith("<?xml") || head.startsWith("<svg"))
      return "XML/SVG (vector images are not supported)";
    boolean text = true;
    for (int i = 0; i < Math.min(b.length, 512); i++) {
      int c = b[i] & 0xff;
      if (c < 9 || (c > 13 && c < 32 && c != 27)) {
        text = false;
        break;
      }
    }
    if (text) return "text";
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(b.length, 8); i++) {
      hex.append(String.format("%02x", b[i] & 0xff));
    }
    return "of an unknown format (starts with 0x" + hex + ")";
  }

  private static boolean startsWith(byte[] b, int off, int... expected) {
    if (b.length < off + expected.length) return false;
    for (int i = 0; i < expected.length; i++) {
      if ((b[off + i] & 0xff) != expected[i]) return false;
    }
    return true;
  }
}
