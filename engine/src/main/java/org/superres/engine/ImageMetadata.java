package org.superres.engine;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMAGE_METADATA_EXIF;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMAGE_METADATA_ICCP;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMAGE_METADATA_XMP;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;

/** EXIF, ICC profile and XMP blocks as raw bytes, in the form OpenCV's *WithMetadata codecs use. */
public final class ImageMetadata {
  public static final ImageMetadata NONE = new ImageMetadata(null, null, null);

  public final byte[] exif;
  public final byte[] icc;
  public final byte[] xmp;

  public ImageMetadata(byte[] exif, byte[] icc, byte[] xmp) {
    this.exif = exif;
    this.icc = icc;
    this.xmp = xmp;
  }

  public boolean isEmpty() {
    return exif == null && icc == null && xmp == null;
  }

  static ImageMetadata from(IntPointer types, MatVector blocks) {
    byte[] exif = null;
    byte[] icc = null;
    byte[] xmp = null;
    for (int i = 0; i < blocks.size(); i++) {
      Mat m = blocks.get(i);
      byte[] data = new byte[(int) m.total() * (int) m.elemSize()];
      m.data().get(data);
      int type = types.get(i);
      if (type == IMAGE_METADATA_EXIF) exif = data;
      else if (type == IMAGE_METADATA_ICCP) icc = data;
      else if (type == IMAGE_METADATA_XMP) xmp = trimNul(JpegSegments.xmpPacket(data));
    }
    return new ImageMetadata(exif, icc, xmp);
  }

  /** The block types blocks(format) writes, in the same order. */
  int[] types(ImageFormat format) {
    List<Integer> t = new ArrayList<>();
    if (exif != null) t.add(IMAGE_METADATA_EXIF);
    if (icc != null) t.add(IMAGE_METADATA_ICCP);
    if (xmp != null && format != ImageFormat.PNG) t.add(IMAGE_METADATA_XMP);
    return t.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The blocks to write, each in the form its container wants, since OpenCV 4.13 writes them as
   * given: JPEG's APP1 EXIF starts with "Exif\0\0" and its XMP APP1 with the XMP namespace, while
   * PNG's eXIf and WebP's EXIF chunk start at the TIFF header (libpng rejects an eXIf chunk with
   * the "Exif" prefix).
   */
  MatVector blocks(ImageFormat format) {
    MatVector v = new MatVector();
    if (exif != null) {
      byte[] e = ExifOrientation.normalized(exif);
      v.push_back(bytesMat(format == ImageFormat.JPEG ? withExifPrefix(e) : withoutExifPrefix(e)));
    }
    if (icc != null) v.push_back(bytesMat(icc));
    // PNG's XMP is inserted after encoding (PngChunks): OpenCV would write it as tEXt
    if (xmp != null && format != ImageFormat.PNG) {
      v.push_back(bytesMat(format == ImageFormat.JPEG ? JpegSegments.xmpPayload(xmp) : xmp));
    }
    return v;
  }

  /** A copy with the XMP packet read by PngChunks instead of OpenCV. */
  ImageMetadata withXmp(byte[] packet) {
    return new ImageMetadata(exif, icc, packet);
  }

  private static final byte[] EXIF_PREFIX = {'E', 'x', 'i', 'f', 0, 0};

  private static byte[] withExifPrefix(byte[] e) {
    if (JpegSegments.startsWith(e, 0, EXIF_PREFIX)) return e;
    byte[] out = java.util.Arrays.copyOf(EXIF_PREFIX, EXIF_PREFIX.length + e.length);
    System.arraycopy(e, 0, out, EXIF_PREFIX.length, e.length);
    return out;
  }

  static byte[] withoutExifPrefix(byte[] e) {
    return JpegSegments.startsWith(e, 0, EXIF_PREFIX)
        ? java.util.Arrays.copyOfRange(e, 6, e.length)
        : e;
  }

  /**
   * PNG's iTXt XMP comes back with its C string terminator; the packet itself ends at the last '>'.
   */
  private static byte[] trimNul(byte[] b) {
    int n = b.length;
    while (n > 0 && b[n - 1] == 0) n--;
    return n == b.length ? b : java.util.Arrays.copyOf(b, n);
  }

  private static Mat bytesMat(byte[] b) {
    Mat m = new Mat(1, b.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1);
    m.data().put(b);
    return m;
  }
}
