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
      else if (type == IMAGE_METADATA_XMP) xmp = data;
    }
    return new ImageMetadata(exif, icc, xmp);
  }

  /** The blocks to write, EXIF orientation reset to normal since the pixels were already rotated. */
  int[] types() {
    List<Integer> t = new ArrayList<>();
    if (exif != null) t.add(IMAGE_METADATA_EXIF);
    if (icc != null) t.add(IMAGE_METADATA_ICCP);
    if (xmp != null) t.add(IMAGE_METADATA_XMP);
    return t.stream().mapToInt(Integer::intValue).toArray();
  }

  MatVector blocks() {
    MatVector v = new MatVector();
    if (exif != null) v.push_back(bytesMat(ExifOrientation.normalized(exif)));
    if (icc != null) v.push_back(bytesMat(icc));
    if (xmp != null) v.push_back(bytesMat(xmp));
    return v;
  }

  private static Mat bytesMat(byte[] b) {
    Mat m = new Mat(1, b.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1);
    m.data().put(b);
    return m;
  }
}
