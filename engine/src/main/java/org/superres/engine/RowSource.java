package org.superres.engine;

import java.io.IOException;
import org.bytedeco.opencv.opencv_core.Mat;

/** An input image read top to bottom, a few rows at a time (BGR order, as OpenCV decodes). */
interface RowSource extends AutoCloseable {
  int width();

  int height();

  /** OpenCV type of the rows (CV_8UC3, CV_16UC1...). */
  int type();

  /** The next {@code n} rows as a new Mat the caller owns. */
  Mat next(int n) throws IOException;

  @Override
  void close() throws IOException;
}
