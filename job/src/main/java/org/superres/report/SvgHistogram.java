package org.superres.report;

import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Draws a Histogram as inline SVG: bars with a count tooltip, a count axis and labelled bin edges.
 */
public final class SvgHistogram {
  private static final int W = 520;
  private static final int H = 220;
  private static final int LEFT = 48;
  private static final int RIGHT = 14;
  private static final int TOP = 12;
  private static final int BOTTOM = 40;

  private SvgHistogram() {}

  /**
   * @param label what is counted, for the accessible title (e.g. "Input size")
   * @param unit formats a bin edge, e.g. v -> "1.2 MP"
   */
  public static String render(Histogram h, String label, DoubleFunction<String> unit) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg class=\"histogram\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">",
            W,
            H,
            W,
            H,
            Html.escape(label + " histogram")));
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    long peak = 0;
    for (long c : h.counts) {
      peak = Math.max(peak, c);
    }
    if (h.counts.length == 0 || peak == 0) {
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" class=\"empty\">no data</text></svg>",
              W / 2 - 30,
              H / 2));
      return s.toString();
    }
    long top = niceCeiling(peak);
    // horizontal grid lines with count labels
    for (int i = 0; i <= 4; i++) {
      double y = TOP + plotH - plotH * i / 4.0;
      s.append(
          String.format(
              Locale.ROOT,
              "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>",
              LEFT,
              W - RIGHT,
              y,
              y));
      s.append(
          String.format(
              Locale.ROOT,
              "<text class=\"ylabel\" x=\"%d\" y=\"%.1f\">%s</text>",
              LEFT - 6,
              y + 4,
              count(top * i / 4.0)));
    }
    double bw = (double) plotW / h.counts.length;
    for (int i = 0; i < h.counts.length; i++) {
      double from = h.low + i * h.binWidth();
      double to = from + h.binWidth();
      double bh = plotH * (double) h.counts[i] / top;
      s.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%s – %s: %d</title></rect>",
              LEFT + i * bw + 1,
              TOP + plotH - bh,
              Math.max(1, bw - 2),
              bh,
              Html.escape(unit.apply(from)),
              Html.escape(unit.apply(to)),
              h.counts[i]));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>",
            LEFT,
            W - RIGHT,
            TOP + plotH,
            TOP + plotH));
    // edge labels: first, middle and last, enough to read the scale without crowding
    int n = h.counts.length;
    int[] edges = n >= 2 ? new int[] {0, n / 2, n} : new int[] {0, n};
    for (int e : edges) {
      double x = LEFT + e * bw;
      String anchor = e == 0 ? "start" : e == n ? "end" : "middle";
      s.append(
          String.format(
              Locale.ROOT,
              "<text class=\"xlabel\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>",
              x,
              TOP + plotH + 18,
              anchor,
              Html.escape(unit.apply(h.low + e * h.binWidth()))));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text class=\"caption\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s · %d images</text>",
            LEFT + plotW / 2,
            H - 4,
            Html.escape(label),
            h.total()));
    s.append("</svg>");
    return s.toString();
  }

  /** A top for the count axis whose quarters are round numbers (1, 2 or 5 times a power of ten). */
  static long niceCeiling(long v) {
    long quarter = (v + 3) / 4;
    long mag = 1;
    while (mag * 10 <= quarter) {
      mag *= 10;
    }
    for (long m : new long[] {1, 2, 5}) {
      if (m * mag >= quarter) {
        return 4 * m * mag;
      }
    }
    return 40 * mag;
  }

  private static String count(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
