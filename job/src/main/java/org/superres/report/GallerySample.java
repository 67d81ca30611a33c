package org.superres.report;

/**
 * One gallery entry: the executor's crops (as data URIs), where the crop lies, and the input's
 * manifest figures.
 */
public final class GallerySample {
  public String inputUri;
  public String relativePath;
  public String outputUri;
  public int cropX;
  public int cropY;
  public int cropWidth;
  public int cropHeight;
  public int outputWidth;
  public int outputHeight;
  public int thumbnailWidth;
  public int thumbnailHeight;
  public int scale;
  public String modelCrop;
  public String bicubicCrop;
  public String thumbnail;

  /** From the manifest; null when the row is not found. */
  public Integer inputWidth;

  public Integer inputHeight;
  public Long inferMs;
  public Long totalMs;
  public String device;
}
