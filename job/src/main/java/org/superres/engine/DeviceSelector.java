package org.superres.engine;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_dnn_superres;

/**
 * Turns the configured backend (auto|cpu|cuda) plus the GPU address Spark assigned into a {@link Device},
 * before any image is touched: on the CPU build, asking OpenCV for the CUDA backend only fails later, inside
 * upsample, as an assertion per image.
 */
public final class DeviceSelector {
  private DeviceSelector() {}

  /**
   * @param gpuAddress the executor's assigned GPU (Spark resource "gpu"), or null when none was assigned
   */
  public static Device select(Backend requested, String gpuAddress) {
    ensureNativesLoaded();
    if (requested == Backend.CPU) {
      return Device.CPU;
    }
    int visible = cudaDeviceCount();
    if (visible <= 0) {
      if (requested == Backend.CUDA) {
        throw new EngineException(
            "device",
            "device.backend=cuda but no usable CUDA device: this OpenCV build "
                + (isGpuBuild() ? "is the GPU build but sees no GPU (driver missing?)" : "is the CPU build")
                + ". Use the GPU jar on a GPU node, or set device.backend=auto|cpu.");
      }
      return Device.CPU;
    }
    int index = gpuAddress == null ? 0 : parseAddress(gpuAddress);
    if (index >= visible) {
      throw new EngineException(
          "device", "assigned GPU address " + gpuAddress + " but only " + visible + " CUDA device(s) are visible");
    }
    return Device.cuda(index);
  }

  static int parseAddress(String gpuAddress) {
    try {
      return Integer.parseInt(gpuAddress.trim());
    } catch (NumberFormatException e) {
      throw new EngineException(
          "device", "GPU address '" + gpuAddress + "' from Spark's resources is not a device index");
    }
  }

  /** CUDA devices OpenCV can use; 0 on the CPU build. */
  public static int cudaDeviceCount() {
    return opencv_core.getCudaEnabledDeviceCount();
  }

  /** True when this is the GPU jar (OpenCV built with CUDA). */
  public static boolean isGpuBuild() {
    try {
      // Only the GPU jar carries the CUDA presets (opencv-platform-gpu depends on cuda-platform).
      Class.forName("org.bytedeco.cuda.global.cudart", false, DeviceSelector.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * Loads the OpenCV natives once, turning the JVM's opaque failure (later seen only as "Could not initialize
   * class DnnSuperResImpl" on every image) into one error that names the missing library and the fix.
   */
  public static void ensureNativesLoaded() {
    try {
      Loader.load(opencv_dnn_superres.class);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
      throw new EngineException("natives", nativesHint(e), e);
    }
  }

  static String nativesHint(Throwable e) {
    String msg = String.valueOf(e.getMessage());
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      msg = msg + " / " + c.getMessage();
    }
    String missing = "";
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(lib[\\w.+-]+\\.so(\\.\\d+)*)").matcher(msg);
    if (m.find()) {
      missing = m.group(1);
    }
    boolean cudaLib = missing.contains("cud") || missing.contains("cublas") || missing.contains("nvrtc")
        || msg.contains("cuda") || msg.contains("cudnn");
    return "OpenCV natives failed to load"
        + (missing.isEmpty() ? "" : " (missing " + missing + ")")
        + (cudaLib
            ? ": this is the GPU jar on a node without CUDA 13 + cuDNN 9; use the CPU jar here, or install CUDA/cuDNN"
            : ": " + msg);
  }
}
