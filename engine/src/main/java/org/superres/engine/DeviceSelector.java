package org.superres.engine;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_dnn_superres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the configured backend (auto|cpu|cuda) plus the GPU address Spark assigned into a {@link
 * Device}, before any image is touched: on the CPU build, asking OpenCV for the CUDA backend only
 * fails later, inside upsample, as an assertion per image.
 */
public final class DeviceSelector {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceSelector.class);

  /** The choices already logged in this JVM (an executor logs each one once, not once per task). */
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

  /** The first natives failure, kept: the JVM reports a failed class initialization only once. */
  private static volatile EngineException nativesFailure;

  private static volatile boolean nativesLoaded;

  private DeviceSelector() {}

  /** A device and why it was chosen (one log line). */
  public static final class Choice {
    public final Device device;
    public final String reason;

    Choice(Device device, String reason) {
      this.device = device;
      this.reason = reason;
    }
  }

  /**
   * @param gpuAddress the executor's assigned GPU (Spark resource "gpu"), or null when none was
   *     assigned
   */
  public static Device select(Backend requested, String gpuAddress) {
    ensureNativesLoaded();
    int visible = 0;
    String cudaError = null;
    if (requested != Backend.CPU) {
      try {
        visible = cudaDeviceCount();
      } catch (
          RuntimeException e) { // cudaGetDeviceCount failed for another reason than "no device"
        cudaError = String.valueOf(e.getMessage()).split("\n")[0];
      }
    }
    Choice c = decide(requested, gpuAddress, visible, isGpuBuild(), cudaError);
    if (LOGGED.add(requested + "|" + gpuAddress + "|" + c.device)) {
      LOG.info("superres: {}", c.reason);
    }
    return c.device;
  }

  /**
   * The selection rule alone, on given facts (tests pass fake device counts): cpu is cpu; auto is
   * the assigned GPU (or GPU 0) when CUDA devices are visible, else cpu; cuda is the same, but an
   * error without a visible device.
   */
  public static Choice decide(
      Backend requested, String gpuAddress, int visibleCudaDevices, boolean gpuBuild) {
    return decide(requested, gpuAddress, visibleCudaDevices, gpuBuild, null);
  }

  /** As above, with the error CUDA gave when asked for its devices (null if none). */
  public static Choice decide(
      Backend requested,
      String gpuAddress,
      int visibleCudaDevices,
      boolean gpuBuild,
      String cudaError) {
    String assigned =
        gpuAddress == null ? "no GPU assigned by Spark" : "Spark assigned GPU " + gpuAddress;
    if (requested == Backend.CPU) {
      return new Choice(Device.CPU, "device.backend=cpu (" + assigned + "): using cpu");
    }
    if (visibleCudaDevices <= 0) {
      String why =
          gpuBuild && cudaError != null
              ? "this is the GPU build of OpenCV but CUDA failed to list devices ("
                  + cudaError
                  + ")"
              : gpuBuild
                  ? "this is the GPU build of OpenCV but it sees no CUDA device (getCudaEnabledDeviceCount() <= 0:"
                      + " NVIDIA driver missing or too old, or no GPU on this node)"
                  : "this is the CPU build of OpenCV (no CUDA)";
      if (requested == Backend.CUDA) {
        throw new EngineException(
            FailureKind.DEVICE,
            "device.backend=cuda but no usable CUDA device on this executor ("
                + assigned
                + "): "
                + why
                + ". Use the GPU jar on a node with an NVIDIA GPU and driver, or set"
                + " device.backend=auto or cpu.");
      }
      return new Choice(
          Device.CPU, "device.backend=auto (" + assigned + "): " + why + "; using cpu");
    }
    int index = gpuAddress == null ? 0 : parseAddress(gpuAddress);
    if (index >= visibleCudaDevices) {
      throw new EngineException(
          FailureKind.DEVICE,
          "Spark assigned GPU address "
              + gpuAddress
              + " but only "
              + visibleCudaDevices
              + " CUDA device(s) are visible to this executor (indices 0.."
              + (visibleCudaDevices - 1)
              + "); check the discovery script and CUDA_VISIBLE_DEVICES");
    }
    Device d = Device.cuda(index);
    return new Choice(
        d,
        "device.backend="
            + requested.name().toLowerCase(java.util.Locale.ROOT)
            + " ("
            + assigned
            + ", "
            + visibleCudaDevices
            + " CUDA device(s) visible): using "
            + d);
  }

  /**
   * Fails at once when the configuration asks for CUDA and this jar cannot have it (the CPU build),
   * so that the driver stops before Spark starts; needs no natives.
   */
  public static void checkBuildSupports(Backend requested) {
    if (requested == Backend.CUDA && !isGpuBuild()) {
      throw new EngineException(
          FailureKind.DEVICE,
          "device.backend=cuda but this is the CPU jar (OpenCV without CUDA):"
              + " submit the GPU jar (mvn -pl job package -Pgpu) or set device.backend=auto or cpu");
    }
  }

  static int parseAddress(String gpuAddress) {
    try {
      int i = Integer.parseInt(gpuAddress.trim());
      if (i >= 0) {
        return i;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new EngineException(
        FailureKind.DEVICE,
        "GPU address '"
            + gpuAddress
            + "' from Spark's resources is not a CUDA device index"
            + " (the discovery script must print indices such as \"0\", as submit/getGpusResources.sh does)");
  }

  /** CUDA devices OpenCV can use; 0 on the CPU build. */
  public static int cudaDeviceCount() {
    return opencv_core.getCudaEnabledDeviceCount();
  }

  /**
   * True when this is the GPU jar (OpenCV built with CUDA); looks at resources only, loads no
   * natives.
   */
  public static boolean isGpuBuild() {
    // opencv-platform-gpu puts its natives under <platform>-gpu (javacpp's "-gpu" extension); the
    // CPU jar has none.
    String marker =
        "META-INF/native-image/" + Loader.getPlatform() + "-gpu/jniopencv_core/jni-config.json";
    return DeviceSelector.class.getClassLoader().getResource(marker) != null;
  }

  /**
   * Loads the OpenCV natives once, turning the JVM's opaque failure (later seen only as "Could not
   * initialize class DnnSuperResImpl" on every image) into one error that names the missing library
   * and the fix. The first failure is kept and thrown again on every later call, since the JVM
   * never retries it.
   */
  public static void ensureNativesLoaded() {
    if (nativesLoaded) {
      return;
    }
    EngineException failed = nativesFailure;
    if (failed != null) {
      throw new EngineException(FailureKind.NATIVES, failed.getMessage());
    }
    synchronized (DeviceSelector.class) {
      if (nativesLoaded || nativesFailure != null) {
        ensureNativesLoaded();
        return;
      }
      try {
        Loader.load(opencv_dnn_superres.class);
        nativesLoaded = true;
      } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
        nativesFailure = new EngineException(FailureKind.NATIVES, nativesHint(e, isGpuBuild()), e);
        throw nativesFailure;
      }
    }
  }

  // "libcudnn.so.9: cannot open shared object file", as the dynamic linker reports a missing
  // dependency.
  private static final Pattern MISSING =
      Pattern.compile("(lib[\\w.+-]+?\\.so[\\w.]*): cannot open shared object");
  private static final Pattern ANY_LIB = Pattern.compile("(lib[\\w.+-]+?\\.so[\\w.]*)");

  /** The one-line error for a natives failure: which library is missing and what to do. */
  public static String nativesHint(Throwable e, boolean gpuBuild) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = e; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append(" / ");
      for (Throwable s : c.getSuppressed()) {
        all.append(s.getMessage()).append(" / ");
      }
    }
    String msg = all.toString();
    Matcher m = MISSING.matcher(msg);
    String missing = m.find() ? m.group(1) : null;
    if (missing == null) {
      Matcher any = ANY_LIB.matcher(msg);
      missing = any.find() ? any.group(1) : null;
    }
    boolean cudaLib =
        missing != null
            && (missing.contains("cud")
                || missing.contains("cublas")
                || missing.contains("nvrtc")
                || missing.contains("cufft")
                || missing.contains("nppc")
                || missing.contains("nvJitLink"));
    Throwable deepest = e;
    while (deepest.getCause() != null && deepest.getCause() != deepest) {
      deepest = deepest.getCause();
    }
    String first = String.valueOf(deepest.getMessage()).split("\n")[0]; // the linker's own words
    if (gpuBuild || cudaLib) {
      return "OpenCV natives failed to load"
          + (missing == null ? "" : ": " + missing + " not found")
          + ". This is the GPU jar, which needs the NVIDIA driver, CUDA 13 (libcudart.so.13, libcublas.so.13)"
          + " and cuDNN 9 (libcudnn.so.9) on the library path (LD_LIBRARY_PATH). Fix: run the CPU jar on"
          + " nodes without a GPU, or install CUDA 13 and cuDNN 9 (the gpu-cuda12 jar for CUDA 12 nodes)."
          + " Loader said: "
          + first;
    }
    return "OpenCV natives failed to load"
        + (missing == null ? "" : ": " + missing + " not found")
        + " (this JVM's platform: "
        + Loader.getPlatform()
        + "; the jar carries linux-x86_64 natives). Loader said: "
        + first;
  }
}
