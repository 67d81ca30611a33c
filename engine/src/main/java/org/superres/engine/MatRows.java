package org.superres.engine;

import org.bytedeco.opencv.opencv_core.Mat;

/** A decoded image handed out as rows: the path of inputs that are decoded whole. */
final class MatRows implements RowSource {
  private final Mat image;
  private int next;

  MatRows(Mat image) {
    this.image = image;
  }

  @Override
  public int width() {
    return image.cols();
  }

  @Override
  public int height() {
    return image.rows();
  }

  @Override
  public int type() {
    return image.type();
  }

  @Override
  public Mat next(int n) {
    try (Mat rows = image.rowRange(next, next + n)) {
      next += n;
      return rows.clone();
    }
  }

  @Override
  public void close() {
    image.close();
  }
}
