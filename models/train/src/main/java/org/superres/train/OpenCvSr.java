package org.superres.train;

import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_dnn_superres.DnnSuperResImpl;

/** Runs an exported model through OpenCV's DnnSuperResImpl, exactly as the job will. */
public final class OpenCvSr implements UnaryOperator<Mat>, AutoCloseable {

  private final DnnSuperResImpl sr;

  public OpenCvSr(Path model, String kind, int scale) {
    sr = new DnnSuperResImpl();
    sr.readModel(model.toString());
    sr.setModel(kind, scale);
  }

  @Override
  public Mat apply(Mat lr) {
    Mat out = new Mat();
    sr.upsample(lr, out);
    return out;
  }

  @Override
  public void close() {
    sr.close();
  }
}
