package org.superres.engine;

import java.io.Serializable;
import java.util.Locale;

/** How outputs are encoded: the output.* keys and limits.max-output-pixels-in-memory. */
public final class OutputSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  /** WebP's format limit on either side. */
  static final int WEBP_MAX_SIDE = 16383;

  /** JPEG's format limit on either side. */
  static final int JPEG_MAX_SIDE = 65535;

  final int jpegQuality;
  final boolean keepMetadata;
  final TiledTiffWriter.Compression tiffCompression;
  final int tiffTile;
  final long maxPixelsInMemory;

  /**
   * @param tiffCompression deflate | jpeg (tiff and tiff-pyramid outputs)
   * @param tiffTile tile edge of TIFF outputs: 256 or 512
   * @param maxPixelsInMemory largest output encoded whole (formats that do not stream, CLAHE)
   */
  public OutputSettings(
      int jpegQuality,
      boolean keepMetadata,
      String tiffCompression,
      int tiffTile,
      long maxPixelsInMemory) {
    this.jpegQuality = jpegQuality;
    this.keepMetadata = keepMetadata;
    this.tiffCompression =
        checkTiffCompression(tiffCompression).equals("jpeg")
            ? TiledTiffWriter.Compression.JPEG
            : TiledTiffWriter.Compression.DEFLATE;
    if (tiffTile != 256 && tiffTile != 512) {
      throw new IllegalArgumentException("TIFF tiles are 256 or 512 pixels, got " + tiffTile);
    }
    this.tiffTile = tiffTile;
    if (maxPixelsInMemory < 0) {
      throw new IllegalArgumentException("must be >= 0, got " + maxPixelsInMemory);
    }
    this.maxPixelsInMemory = maxPixelsInMemory;
  }

  /** deflate or jpeg, lower-cased; anything else is refused. */
  public static String checkTiffCompression(String s) {
    String c = s.trim().toLowerCase(Locale.ROOT);
    if (!c.equals("deflate") && !c.equals("jpeg")) {
      throw new IllegalArgumentException("expected deflate or jpeg");
    }
    return c;
  }

  /** Defaults of reference.conf (tests and tools). */
  public static OutputSettings defaults() {
    return new OutputSettings(92, true, "deflate", 256, 200_000_000L);
  }

  public int jpegQuality() {
    return jpegQuality;
  }

  public boolean keepMetadata() {
    return keepMetadata;
  }
}
