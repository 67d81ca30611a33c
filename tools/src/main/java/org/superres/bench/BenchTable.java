package org.superres.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** The bench report as one plain-text table (what docs/performance.md quotes). */
public final class BenchTable {
  private BenchTable() {}

  @SuppressWarnings("unchecked")
  public static void print(Map<String, Object> report, PrintStream out) {
    Map<String, Object> machine = (Map<String, Object>) report.get("machine");
    Map<String, Object> options = (Map<String, Object>) report.get("options");
    Map<String, Object> conv = (Map<String, Object>) report.get("conv");
    out.printf(
        "superres bench: %s, %s cores, OpenCV %s, Java %s, master %s, device.threads %s%n",
        machine.get("cpu"),
        machine.get("cores"),
        machine.get("opencv"),
        machine.get("java"),
        report.getOrDefault("master", "per matrix row"),
        options.get("device_threads"));
    out.printf(
        "load average %s -> %s; medians of %s interleaved repeats; conv 3x3 %s ch: %s GFLOP/s%n",
        machine.get("loadavg"),
        ((Map<String, Object>) report.get("machine_after")).get("loadavg"),
        options.get("repeats"),
        conv.get("channels"),
        conv.get("gflops_per_second"));
    if (report.containsKey("results")) {
      printComparisons(report, out);
    }
    printThreads(report, out);
    if (report.containsKey("throughput")) {
      printThroughputAndRss(report, out);
    }
    if (report.containsKey("planning")) {
      printPlanning((Map<String, Object>) report.get("planning"), out);
    }
    if (report.containsKey("gigapixel")) {
      printGigapixel((Map<String, Object>) report.get("gigapixel"), out);
    }
  }

  /** Issue 16's planning figures: time and heap per archive size. */
  @SuppressWarnings("unchecked")
  private static void printPlanning(Map<String, Object> p, PrintStream out) {
    out.printf("%nplanning (--plan-only on a generated inventory, -Xmx%s):%n", p.get("xmx"));
    for (Map<String, Object> r : (List<Map<String, Object>>) p.get("runs")) {
      out.printf(
          "  %,12d inputs  %8.1f s  heap peak %5d MB (of %d)  RSS peak %5d MB  %d partitions%n",
          ((Number) r.get("inputs")).longValue(),
          ((Number) r.get("plan_seconds")).doubleValue(),
          r.get("heap_peak_mb"),
          r.get("heap_max_mb"),
          r.get("rss_peak_mb"),
          r.get("partitions"));
    }
    if (p.containsKey("time_ratio")) {
      out.printf(
          "  time ratio %s for %sx the inputs (%s per unit: 1 is linear)%n",
          p.get("time_ratio"), p.get("inputs_ratio"), p.get("time_ratio_over_inputs_ratio"));
    }
  }

  /** Issue 17's figures, as docs/gigapixel.md quotes them. */
  @SuppressWarnings("unchecked")
  private static void printGigapixel(Map<String, Object> g, PrintStream out) {
    out.printf(
        "%ngigapixel (%s, tile %s/%s; load average %s -> %s):%n",
        g.get("model"),
        g.get("tile"),
        g.get("overlap"),
        g.get("loadavg_before"),
        g.get("loadavg_after"));
    for (Map<String, Object> m : (List<Map<String, Object>>) g.get("rss")) {
      out.printf(
          "  streamed, child JVM -Xmx%s: %s MP PNG in -> %s MP PNG out: peak RSS %d MB (after model"
              + " load %d MB), %.0f s, %d tiles%n",
          g.get("xmx"),
          m.get("input_megapixels"),
          m.get("output_megapixels"),
          (Long) m.get("peak_kb") / 1024,
          (Long) m.get("base_kb") / 1024,
          (Long) m.get("wall_ms") / 1e3,
          m.get("tiles"));
    }
    if (g.containsKey("rss_ratio_largest_over_smallest")) {
      out.printf(
          "  peak RSS ratio, largest over smallest input: %s%n",
          g.get("rss_ratio_largest_over_smallest"));
    }
    Map<String, Object> l = (Map<String, Object>) g.get("launcher");
    if (l != null) {
      out.printf(
          "  submit/superres enhance (local mode, whole process, %s) on %s MP: peak RSS %d MB,"
              + " %.0f s%n",
          l.get("java_opts"),
          l.get("input_megapixels"),
          (Long) l.get("peak_kb") / 1024,
          (Long) l.get("wall_ms") / 1e3);
    }
    Map<String, Object> t = (Map<String, Object>) g.get("throughput");
    out.printf(
        "  throughput on %s x %s² PNG: streamed %s MP/s, in memory %s MP/s: streamed/in-memory %s"
            + " (paired %s)%n",
        t.get("images"),
        t.get("size"),
        t.get("streamed_megapixels_per_second"),
        t.get("in_memory_megapixels_per_second"),
        t.get("streamed_over_in_memory"),
        t.get("streamed_over_in_memory_paired"));
  }

  @SuppressWarnings("unchecked")
  private static void printComparisons(Map<String, Object> report, PrintStream out) {
    out.printf(
        "%n%-26s %6s %-15s %7s %8s | %6s %6s %6s %8s %6s %6s | %8s%n",
        "model", "size", "mode", "img/s", "MP/s", "load", "read", "decode", "infer", "encode",
        "write", "ceiling");
    for (Map<String, Object> r : (List<Map<String, Object>>) report.get("results")) {
      Map<String, Object> modes = (Map<String, Object>) r.get("modes");
      boolean first = true;
      for (Map.Entry<String, Object> e : modes.entrySet()) {
        Map<String, Object> m = (Map<String, Object>) e.getValue();
        Map<String, Double> st = (Map<String, Double>) m.get("stage_ms_per_image");
        out.printf(
            "%-26s %6s %-15s %7.3f %8.4f | %6.1f %6.1f %6.1f %8.1f %6.1f %6.1f | %8s%n",
            first ? r.get("model") : "",
            first ? r.get("size") + "²" : "",
            e.getKey(),
            m.get("images_per_second"),
            m.get("input_megapixels_per_second"),
            st.get("load"),
            st.get("read"),
            st.get("decode"),
            st.get("infer"),
            st.get("encode"),
            st.get("write"),
            first ? r.get("ceiling_megapixels_per_second") : "");
        first = false;
      }
      Map<String, Object> t = (Map<String, Object>) r.get("tiling");
      Map<String, Object> ratios = (Map<String, Object>) r.get("ratios");
      out.printf(
          "%-26s %6s %-15s job/raw %s (paired %s; fixed %s s/run, amortized %s), raw/per-image-load %s "
              + "(paired %s)%n",
          "",
          "",
          "ratios",
          ratios.get("job_over_raw"),
          ratios.get("job_over_raw_paired"),
          ratios.get("job_fixed_seconds_per_run"),
          ratios.get("job_over_raw_amortized"),
          ratios.get("raw_over_per_image_load"),
          ratios.get("raw_over_per_image_load_paired"));
      if (ratios.containsKey("job_over_python")) {
        out.printf(
            "%-26s %6s %-15s job as run (tile %s/%s)/python %s (paired %s); same whole-image work"
                + " %s; OpenCV %s's dnn_superres loop%n",
            "",
            "",
            "peer",
            t.get("tile"),
            t.get("overlap"),
            ratios.get("job_as_run_over_python"),
            ratios.get("job_as_run_over_python_paired"),
            ratios.get("job_over_python"),
            ratios.get("python_opencv"));
      }
      Map<String, Object> command = (Map<String, Object>) r.get("whole_command");
      out.printf(
          "%-26s %6s %-15s submit/superres enhance on these images: %s s (exit %s)%n",
          "", "", "whole command", command.get("seconds"), command.get("exit_code"));
      out.printf(
          "%-26s %6s %-15s tile %s/%s (%s tiles): %s vs whole %s MP/s infer, tiled/whole %s%n",
          "",
          "",
          "engine tiling",
          t.get("tile"),
          t.get("overlap"),
          t.get("tiles_per_image"),
          t.get("tiled_megapixels_per_second"),
          t.get("untiled_megapixels_per_second"),
          t.get("tiled_over_untiled"));
    }
    Map<String, Object> h = (Map<String, Object>) report.get("ratios");
    out.printf(
        "%nheadline (%s, %s²): job/raw %s (amortized over an archive %s), raw/per-image-load %s%n",
        h.get("model"),
        h.get("size"),
        h.get("job_over_raw"),
        h.get("job_over_raw_amortized"),
        h.get("raw_over_per_image_load"));
  }

  @SuppressWarnings("unchecked")
  private static void printThreads(Map<String, Object> report, PrintStream out) {
    Map<String, Object> threads = (Map<String, Object>) report.get("threads");
    if (threads != null) {
      out.printf(
          "%nSpark slots x OpenCV threads (%s, %d x %s², tile %s), input MP/s:%n",
          threads.get("model"), threads.get("images"), threads.get("size"), threads.get("tile"));
      for (Map<String, Object> row : (List<Map<String, Object>>) threads.get("matrix")) {
        out.printf(
            "  local[%s] device.threads=%s  %8.4f MP/s  %7.3f img/s%n",
            row.get("slots"),
            row.get("threads"),
            row.get("input_megapixels_per_second"),
            row.get("images_per_second"));
      }
      Map<String, Object> best = (Map<String, Object>) threads.get("best");
      out.printf("  best: local[%s] device.threads=%s%n", best.get("slots"), best.get("threads"));
    }
  }

  @SuppressWarnings("unchecked")
  private static void printThroughputAndRss(Map<String, Object> report, PrintStream out) {
    out.printf("%nthroughput per model (input MP/s): %n");
    for (Map<String, Object> row : (List<Map<String, Object>>) report.get("throughput")) {
      if (row.containsKey("skipped")) {
        out.printf("  %-26s skipped: %s%n", row.get("model"), row.get("skipped"));
        continue;
      }
      out.printf(
          "  %-26s at %s²: end-to-end %s, inference %s, ceiling %s%n",
          row.get("model"),
          row.get("size"),
          row.getOrDefault("end_to_end_megapixels_per_second", "-"),
          row.get("infer_megapixels_per_second"),
          row.get("ceiling_megapixels_per_second"));
    }

    Map<String, Object> rss = (Map<String, Object>) report.get("rss");
    out.printf(
        "%npeak RSS (one image, %s, tile %s/%s, child JVM -Xmx%s):",
        rss.get("model"), rss.get("tile"), rss.get("overlap"), rss.get("xmx"));
    for (Map.Entry<String, Object> e : rss.entrySet()) {
      if (e.getKey().startsWith("size_")) {
        Map<String, Object> m = (Map<String, Object>) e.getValue();
        out.printf(
            " %s² %d MB (after model load %d MB);",
            e.getKey().substring(5),
            (Long) m.get("peak_kb") / 1024,
            (Long) m.get("base_kb") / 1024);
      } else if (e.getKey().startsWith("ratio_")) {
        out.printf(" %s %s", e.getKey(), e.getValue());
      }
    }
    out.println();
  }
}
