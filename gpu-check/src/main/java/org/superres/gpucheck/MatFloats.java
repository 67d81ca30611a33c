package org.superres.gpucheck;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/** All values of a Mat (an image or a 4-D blob) as floats, in memory order. */
final class MatFloats {
  private MatFloats() {}

  static float[] of(Mat m) {
    Mat f = new Mat();
    m.convertTo(f, opencv_core.CV_32F);
    if (!f.isContinuous()) {
      f = f.clone();
    }
    float[] out = new float[(int) (f.total() * f.channels())];
    new FloatPointer(f.data()).get(out);
    return out;
  }
}
