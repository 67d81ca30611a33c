package org.superres.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Peak RSS of one image's processing, each size in its own child JVM (RssProbe) started like this
 * one.
 */
final class PeakRss {
  private static final Pattern LINE =
      Pattern.compile("RSS base_kb=(\\d+) peak_kb=(\\d+) tiles=(\\d+) output=\\S+ wall_ms=(\\d+)");

  private PeakRss() {}

  /**
   * A field of /proc/self/status in kB (VmHWM: peak resident set), or -1 where there is no /proc.
   */
  static long readStatusKb(String field) {
    return status(Paths.get("/proc/self/status"), field);
  }

  /** The same field of another process; -1 once it is gone. */
  static long statusKb(long pid, String field) {
    return status(Paths.get("/proc", Long.toString(pid), "status"), field);
  }

  private static long status(Path file, String field) {
    try {
      for (String l : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        if (l.startsWith(field + ":")) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  /**
   * Runs the probe on {@code input}; returns base_kb (after model load), peak_kb, tiles and wall_ms
   * (of the image). streamed: the streamed path (EnhanceToFile) instead of the in-memory one.
   */
  static Map<String, Object> measure(
      Path input, BenchModel model, int tile, int overlap, String xmx, Path out, boolean streamed)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + xmx);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(RssProbe.class.getName());
    cmd.add(input.toString());
    cmd.add(model.file.toString());
    cmd.add(model.spec.kind().opencvName());
    cmd.add(Integer.toString(model.spec.scale()));
    cmd.add(Integer.toString(tile));
    cmd.add(Integer.toString(overlap));
    cmd.add(out.toString());
    cmd.add(streamed ? "streamed" : "in-memory");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    Matcher m = LINE.matcher(output);
    if (rc != 0 || !m.find()) {
      throw new IllegalStateException(
          "RSS probe on " + input + " exited " + rc + ": " + output.trim());
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("base_kb", Long.parseLong(m.group(1)));
    r.put("peak_kb", Long.parseLong(m.group(2)));
    r.put("tiles", Integer.parseInt(m.group(3)));
    r.put("wall_ms", Long.parseLong(m.group(4)));
    return r;
  }
}
