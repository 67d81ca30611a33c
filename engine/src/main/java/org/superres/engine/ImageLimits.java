package org.superres.engine;

import java.io.Serializable;

/** Refuses inputs too large to be processed safely, before their pixels are decoded. */
public final class ImageLimits implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long maxPixels;
  private final long maxBytes;

  public ImageLimits(long maxPixels, long maxBytes) {
    this.maxPixels = maxPixels;
    this.maxBytes = maxBytes;
  }

  public void checkBytes(long bytes) {
    if (maxBytes > 0 && bytes > maxBytes) {
      throw new EngineException(
          FailureKind.LIMITS,
          "file is "
              + bytes
              + " bytes, over limits.max-input-bytes="
              + maxBytes
              + "; raise the limit to process it");
    }
  }

  /** The image's own size and every other size its header declares (see ImageHeader). */
  public void check(ImageHeader header) {
    checkPixels(header.width, header.height);
    for (ImageHeader.DeclaredSize d : header.declared) {
      if (maxPixels > 0 && (long) d.width * d.height > maxPixels) {
        throw new EngineException(
            FailureKind.LIMITS,
            "its "
                + d.what
                + " is "
                + d.width
                + "x"
                + d.height
                + " = "
                + (long) d.width * d.height
                + " pixels, over limits.max-input-pixels="
                + maxPixels
                + " (decoders allocate it whole; refused before decoding)");
      }
    }
  }

  public void checkPixels(int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new EngineException(
          FailureKind.DECODE, "header gives an empty size " + width + "x" + height);
    }
    long px = (long) width * height;
    if (maxPixels > 0 && px > maxPixels) {
      throw new EngineException(
          FailureKind.LIMITS,
          "header claims "
              + width
              + "x"
              + height
              + " = "
              + px
              + " pixels, over limits.max-input-pixels="
              + maxPixels
              + " (refused before decoding)");
    }
  }
}
