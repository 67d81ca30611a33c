package org.superres.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 16's planning figures: {@code --plan-only} over generated inventories of growing size (1M,
 * 10M inputs), each in a child JVM whose heap is capped (1 GB): the driver's memory must not grow
 * with the archive, and planning time should grow linearly with it.
 */
final class PlanningBench {
  private static final Pattern LINE =
      Pattern.compile(
          "PLANNING inputs=(\\d+) plan_seconds=([\\d.]+) heap_peak_mb=(\\d+) heap_max_mb=(\\d+)"
              + " rss_peak_kb=(\\d+) partitions=(\\d+) process=(\\d+)");

  private final long[] inputs;
  private final String xmx;
  private final Path work;

  PlanningBench(long[] inputs, String xmx, Path work) {
    this.inputs = inputs;
    this.xmx = xmx;
    this.work = work;
  }

  Map<String, Object> run() throws IOException, InterruptedException {
    Map<String, Object> report = new LinkedHashMap<>();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (long n : inputs) {
      Bench.log("planning " + n + " inputs (-Xmx" + xmx + ")");
      rows.add(probe(n));
    }
    report.put("xmx", xmx);
    report.put("runs", rows);
    if (rows.size() >= 2) {
      Map<String, Object> first = rows.get(0);
      Map<String, Object> last = rows.get(rows.size() - 1);
      double inputsRatio =
          ((Number) last.get("inputs")).doubleValue()
              / ((Number) first.get("inputs")).doubleValue();
      double timeRatio =
          ((Number) last.get("plan_seconds")).doubleValue()
              / ((Number) first.get("plan_seconds")).doubleValue();
      report.put("inputs_ratio", Stats.round(inputsRatio, 2));
      report.put("time_ratio", Stats.round(timeRatio, 2));
      report.put("time_ratio_over_inputs_ratio", Stats.round(timeRatio / inputsRatio, 3));
    }
    return report;
  }

  private Map<String, Object> probe(long n) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + xmx);
    // Spark on JDK 17 needs the module openings this JVM was started with (submit/superres's).
    for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect")) {
        cmd.add(a);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(PlanningProbe.class.getName());
    cmd.add(Long.toString(n));
    cmd.add(work.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    Matcher m = LINE.matcher(output);
    if (rc != 0 || !m.find()) {
      throw new IllegalStateException(
          "planning probe of " + n + " inputs exited " + rc + ": " + tail(output));
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("inputs", Long.parseLong(m.group(1)));
    r.put("plan_seconds", Double.parseDouble(m.group(2)));
    r.put("heap_peak_mb", Long.parseLong(m.group(3)));
    r.put("heap_max_mb", Long.parseLong(m.group(4)));
    r.put("rss_peak_mb", Long.parseLong(m.group(5)) >> 10);
    r.put("partitions", Long.parseLong(m.group(6)));
    r.put("process", Long.parseLong(m.group(7)));
    return r;
  }

  private static String tail(String s) {
    return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
  }
}
