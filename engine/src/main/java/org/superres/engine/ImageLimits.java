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
