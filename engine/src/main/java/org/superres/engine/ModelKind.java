package org.superres.engine;

import java.util.Locale;

/** The network families OpenCV's dnn_superres module knows how to pre- and post-process. */
public enum ModelKind {
  /** Works on BGR, mean-subtracted 0..255 input (the DIV2K mean); output BGR. */
  EDSR(false),
  /** Work on the luma channel only, 0..1; chroma is upscaled bilinearly and merged back. */
  ESPCN(true),
  FSRCNN(true),
  LAPSRN(true);

  private final boolean lumaOnly;

  ModelKind(boolean lumaOnly) {
    this.lumaOnly = lumaOnly;
  }

  public boolean lumaOnly() {
    return lumaOnly;
  }

  /** The algorithm name DnnSuperResImpl.setModel expects. */
  public String opencvName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ModelKind parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown model kind '" + s + "': expected one of edsr, espcn, fsrcnn, lapsrn");
    }
  }

  /**
   * Guesses the kind from a file name such as FSRCNN_x3.pb or superres-edsr-x3.pb; null if none
   * fits.
   */
  public static ModelKind fromFileName(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    for (ModelKind k : values()) {
      if (n.contains(k.opencvName())) {
        return k;
      }
    }
    return null;
  }
}
