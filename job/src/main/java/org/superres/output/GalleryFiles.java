package org.superres.output;

/**
 * The files of one run-report gallery sample below {@code _runs/RUN_ID/report-assets/}: executors
 * write them (the job), the driver reads them into the page (the report). Each sample has a prefix
 * ({@code report-assets/00007}) and these suffixes; the sidecar is written last, so a sample counts
 * only once its sidecar exists.
 */
public final class GalleryFiles {
  public static final String MODEL_CROP = "-model.png";
  public static final String BICUBIC_CROP = "-bicubic.png";
  public static final String THUMBNAIL = "-thumb.jpg";
  public static final String SIDECAR = ".json";

  /** Every file of a sample: the prefix plus each of these. */
  public static final String[] SUFFIXES = {MODEL_CROP, BICUBIC_CROP, THUMBNAIL, SIDECAR};

  private GalleryFiles() {}
}
