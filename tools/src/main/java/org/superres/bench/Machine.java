package org.superres.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.superres.engine.DeviceSelector;

/**
 * Where the figures were measured: they mean little without the CPU, its load and the library
 * versions.
 */
final class Machine {
  private Machine() {}

  static Map<String, Object> describe() {
    DeviceSelector.ensureNativesLoaded();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("cpu", cpuModel());
    m.put("loadavg", loadAverage());
    m.put("java", System.getProperty("java.version"));
    m.put(
        "opencv",
        opencv_core
            .getVersionString()
            .getString()
            .replace("\u0000", "")
            .trim()); // a C string: drop its NUL
    m.put("opencv_threads_default", opencv_core.getNumThreads());
    return m;
  }

  static String loadAverage() {
    try {
      return new String(Files.readAllBytes(Paths.get("/proc/loadavg"))).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Paths.get("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
