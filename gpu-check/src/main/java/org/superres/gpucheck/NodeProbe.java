package org.superres.gpucheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.DeviceInfo;
import org.superres.engine.Backend;
import org.superres.engine.Device;
import org.superres.engine.DeviceSelector;
import org.superres.engine.DnnTarget;
import org.superres.engine.EngineException;
import org.superres.engine.Precision;

/**
 * What this node offers: the jar's OpenCV build, whether its natives load, the CUDA devices, the
 * driver and CUDA versions, and the device the job's {@code device.backend=auto} would pick.
 */
final class NodeProbe {
  private static final Pattern CUDA_LIBRARY =
      Pattern.compile(
          "/(libcuda\\.so[.\\d]*|libcudart\\.so[.\\d]*|libcublas(Lt)?\\.so[.\\d]*"
              + "|libcudnn\\.so[.\\d]*)$");
  private static final Pattern VERSION_SUFFIX = Pattern.compile("\\.so\\.([\\d.]+)$");

  private Device device;

  /** The device the job would use (cpu without a usable GPU); set by probe. */
  Device device() {
    return device;
  }

  /**
   * Fills node; false when the natives did not load.
   *
   * @throws EngineException when gpuAddress names no visible device (bad usage)
   */
  boolean probe(String gpuAddress, CheckReport.Node node) {
    node.gpuBuild = DeviceSelector.isGpuBuild();
    node.jar =
        node.gpuBuild
            ? "GPU build (OpenCV with CUDA 13 + cuDNN 9)"
            : "CPU build (OpenCV without CUDA)";
    node.driverVersion = driverVersion();
    try {
      DeviceSelector.ensureNativesLoaded();
    } catch (EngineException e) {
      node.nativesError = e.getMessage();
      return false;
    }
    node.nativesLoaded = true;
    node.cudaLibraries = mappedCudaLibraries();
    node.cudaRuntimeVersion = runtimeVersion(node.cudaLibraries);
    String build = opencv_core.getBuildInformation().getString();
    node.opencvCuda = buildLine(build, "NVIDIA CUDA:");
    node.opencvCudnn = buildLine(build, "cuDNN:");

    int count = 0;
    String cudaError = null;
    try {
      count = DeviceSelector.cudaDeviceCount();
    } catch (RuntimeException e) {
      cudaError = String.valueOf(e.getMessage()).split("\n")[0];
    }
    DeviceSelector.Choice choice =
        DeviceSelector.decide(Backend.AUTO, gpuAddress, count, node.gpuBuild, cudaError);
    for (int i = 0; i < count; i++) {
      DeviceInfo info = new DeviceInfo(i);
      CheckReport.Gpu g = new CheckReport.Gpu();
      g.index = i;
      g.name = info.name().getString();
      g.memoryGib = info.totalMemory() / (1024.0 * 1024 * 1024);
      g.computeCapability = info.majorVersion() + "." + info.minorVersion();
      g.multiprocessors = info.multiProcessorCount();
      node.gpus.add(g);
    }
    device = choice.device;
    node.autoChoice = choice.reason;
    node.device = device.toString();
    node.backend =
        device.isCuda()
            ? "fp32 "
                + DnnTarget.of(device, Precision.FP32)
                + ", fp16 "
                + DnnTarget.of(device, Precision.FP16)
            : DnnTarget.of(device, Precision.FP32).toString();
    return true;
  }

  /** The kernel module's version, from /proc/driver/nvidia/version; null without the driver. */
  static String driverVersion() {
    Path p = Paths.get("/proc/driver/nvidia/version");
    try {
      String text = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
      Matcher m = Pattern.compile("Kernel Module\\s+(?:for \\S+\\s+)?(\\d[\\w.]*)").matcher(text);
      return m.find() ? m.group(1) : text.split("\n")[0].trim();
    } catch (IOException e) {
      return null;
    }
  }

  /** The CUDA libraries the dynamic linker mapped into this process, as real files. */
  static List<String> mappedCudaLibraries() {
    Set<String> found = new LinkedHashSet<>();
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/self/maps"))) {
        int slash = line.indexOf('/');
        if (slash < 0) {
          continue;
        }
        String path = line.substring(slash).trim();
        if (CUDA_LIBRARY.matcher(path).find()) {
          found.add(realPath(path));
        }
      }
    } catch (IOException e) {
      // not Linux: nothing to say
    }
    return List.copyOf(found);
  }

  /**
   * The CUDA runtime's version from its file name (libcudart.so.13.0.96); just the major when the
   * file carries only its SONAME, as Python packages do.
   */
  static String runtimeVersion(List<String> libraries) {
    for (String lib : libraries) {
      String name = Paths.get(lib).getFileName().toString();
      if (name.startsWith("libcudart.so")) {
        Matcher m = VERSION_SUFFIX.matcher(name);
        return m.find() ? m.group(1) : name;
      }
    }
    return null;
  }

  /**
   * The rest of the build-information line that starts with key, e.g. "YES (ver 13.1, CUFFT
   * CUBLAS)".
   */
  static String buildLine(String buildInformation, String key) {
    for (String line : buildInformation.split("\n")) {
      String t = line.trim();
      if (t.startsWith(key)) {
        return t.substring(key.length()).trim();
      }
    }
    return null;
  }

  private static String realPath(String path) {
    try {
      return Paths.get(path).toRealPath().toString();
    } catch (IOException | RuntimeException e) {
      return path;
    }
  }

  static String gpuLine(CheckReport.Gpu g) {
    return String.format(
        Locale.ROOT,
        "cuda:%d %s, %.1f GiB, compute capability %s, %d multiprocessors",
        g.index,
        g.name,
        g.memoryGib,
        g.computeCapability,
        g.multiprocessors);
  }
}
