package org.superres.engine;

import java.util.function.IntConsumer;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * The OpenCV DNN backend and target for a device and precision: the one place this mapping lives,
 * for the job's networks and the GPU check's alike. CUDA runs fp32 ({@code DNN_TARGET_CUDA}) or
 * fp16 ({@code DNN_TARGET_CUDA_FP16}); the CPU runs fp32 whatever precision is asked, as {@link
 * Precision} says.
 */
public final class DnnTarget {
  private final int backend;
  private final int target;
  private final String name;

  private DnnTarget(int backend, int target, String name) {
    this.backend = backend;
    this.target = target;
    this.name = name;
  }

  public static DnnTarget of(Device device, Precision precision) {
    if (!device.isCuda()) {
      return new DnnTarget(
          opencv_dnn.DNN_BACKEND_OPENCV,
          opencv_dnn.DNN_TARGET_CPU,
          "DNN_BACKEND_OPENCV/DNN_TARGET_CPU");
    }
    return precision == Precision.FP16
        ? new DnnTarget(
            opencv_dnn.DNN_BACKEND_CUDA,
            opencv_dnn.DNN_TARGET_CUDA_FP16,
            "DNN_BACKEND_CUDA/DNN_TARGET_CUDA_FP16")
        : new DnnTarget(
            opencv_dnn.DNN_BACKEND_CUDA,
            opencv_dnn.DNN_TARGET_CUDA,
            "DNN_BACKEND_CUDA/DNN_TARGET_CUDA");
  }

  public int backend() {
    return backend;
  }

  public int target() {
    return target;
  }

  /** For DnnSuperResImpl, which has the setters but is no Net. */
  public void applyTo(IntConsumer setBackend, IntConsumer setTarget) {
    setBackend.accept(backend);
    setTarget.accept(target);
  }

  public void applyTo(Net net) {
    applyTo(net::setPreferableBackend, net::setPreferableTarget);
  }

  @Override
  public String toString() {
    return name;
  }
}
