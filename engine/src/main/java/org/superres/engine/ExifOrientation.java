package org.superres.engine;

import static org.bytedeco.opencv.global.opencv_core.ROTATE_180;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_CLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_COUNTERCLOCKWISE;

import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The EXIF orientation tag (0x0112): read from the raw EXIF block OpenCV returns, applied to the
 * pixels once, and reset to 1 (normal) in the EXIF that is written back, so no viewer rotates the
 * output again. OpenCV hands us the EXIF as bytes, and this one tag is all we interpret, so a few
 * lines of TIFF-IFD walking replace a metadata library here.
 */
public final class ExifOrientation {
  public static final int NORMAL = 1;
  private static final int TAG = 0x0112;

  private ExifOrientation() {}

  /** The orientation (1..8), or 1 when absent or unreadable. */
  public static int read(byte[] exif) {
    int at = locate(exif);
    if (at < 0) return NORMAL;
    int v = u16(exif, tiffStart(exif), at);
    return v >= 1 && v <= 8 ? v : NORMAL;
  }

  /** A copy of the EXIF block with orientation set to normal. */
  public static byte[] normalized(byte[] exif) {
    byte[] copy = exif.clone();
    int at = locate(copy);
    if (at >= 0) {
      boolean little = copy[tiffStart(copy)] == 'I';
      copy[at] = (byte) (little ? 1 : 0);
      copy[at + 1] = (byte) (little ? 0 : 1);
    }
    return copy;
  }

  /** Rotates/flips pixels so that orientation {@code o} becomes normal. */
  public static Mat apply(Mat src, int o) {
    if (o == NORMAL) return src;
    Mat dst = new Mat();
    switch (o) {
      case 2:
        opencv_core.flip(src, dst, 1);
        break;
      case 3:
        opencv_core.rotate(src, dst, ROTATE_180);
        break;
      case 4:
        opencv_core.flip(src, dst, 0);
        break;
      case 5:
        opencv_core.transpose(src, dst);
        break;
      case 6:
        opencv_core.rotate(src, dst, ROTATE_90_CLOCKWISE);
        break;
      case 7:
        {
          Mat t = new Mat();
          opencv_core.rotate(src, t, ROTATE_90_CLOCKWISE);
          opencv_core.flip(t, dst, 1);
          break;
        }
      case 8:
        opencv_core.rotate(src, dst, ROTATE_90_COUNTERCLOCKWISE);
        break;
      default:
        return src;
    }
    return dst;
  }

  /** Offset of the TIFF header: EXIF blocks may or may not start with "Exif\0\0". */
  private static int tiffStart(byte[] b) {
    return b.length >= 6 && b[0] == 'E' && b[1] == 'x' && b[2] == 'i' && b[3] == 'f' ? 6 : 0;
  }

  /** Offset of the orientation value in IFD0, or -1. */
  private static int locate(byte[] b) {
    if (b == null) return -1;
    int t = tiffStart(b);
    if (b.length < t + 8 || !((b[t] == 'I' && b[t + 1] == 'I') || (b[t] == 'M' && b[t + 1] == 'M')))
      return -1;
    long ifd = u32(b, t, t + 4);
    if (ifd < 8 || t + ifd + 2 > b.length) return -1;
    int base = (int) (t + ifd);
    int entries = u16(b, t, base);
    for (int i = 0; i < entries; i++) {
      int e = base + 2 + 12 * i;
      if (e + 12 > b.length) return -1;
      if (u16(b, t, e) == TAG) return e + 8;
    }
    return -1;
  }

  private static int u16(byte[] b, int t, int i) {
    return b[t] == 'I'
        ? (b[i] & 0xff) | (b[i + 1] & 0xff) << 8
        : (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
  }

  private static long u32(byte[] b, int t, int i) {
    return b[t] == 'I'
        ? ((long) u16(b, t, i + 2) << 16) | u16(b, t, i)
        : ((long) u16(b, t, i) << 16) | u16(b, t, i + 2);
  }
}
