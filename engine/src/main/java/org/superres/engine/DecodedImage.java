package org.superres.engine;

import org.bytedeco.opencv.opencv_core.Mat;

/** Pixels in normal orientation plus what the encoder must carry over from the input. */
public final class DecodedImage {
  public final Mat pixels;
  public final ImageFormat format;

  /** The EXIF orientation that was applied to the pixels (1 = none). */
  public final int orientation;

  public final ImageMetadata metadata;

  /**
   * What the manifest should say about how the input was read (e.g. "first frame of 3"), or null.
   */
  public final String note;

  public DecodedImage(Mat pixels, ImageFormat format, int orientation, ImageMetadata metadata) {
    this(pixels, format, orientation, metadata, null);
  }

  public DecodedImage(
      Mat pixels, ImageFormat format, int orientation, ImageMetadata metadata, String note) {
    this.pixels = pixels;
    this.format = format;
    this.orientation = orientation;
    this.metadata = metadata;
    this.note = note;
  }

  public int width() {
    return pixels.cols();
  }

  public int height() {
    return pixels.rows();
  }

  public int channels() {
    return pixels.channels();
  }

  /** 8 or 16. */
  public int bitDepth() {
    return pixels.elemSize1() == 2 ? 16 : 8;
  }
}
