package org.superres.report;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.superres.manifest.ManifestTotals;
import org.superres.manifest.RunSummary;

/**
 * Renders report.html from RunReportData: one self-contained page (inline CSS, inline SVG, images
 * as data URIs, no script or font from anywhere else) that opens offline, from a disk or from a
 * bucket. Every string that comes from an input or from the configuration is escaped with
 * Html.escape.
 */
public final class RunReportPage {
  /** The per-image stages of the table; "total" is its footer. */
  private static final String[] STAGES = {"read", "decode", "infer", "encode", "write"};

  private final RunReportData d;
  private final RunSummary sum;
  private final StringBuilder out = new StringBuilder(1 << 16);

  private RunReportPage(RunReportData d) {
    this.sum = d.summary;
    this.d = d;
  }

  public static String render(RunReportData d) {
    return new RunReportPage(d).page();
  }

  private String page() {
    out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>superres run ")
        .append(Html.escape(d.runId))
        .append("</title><style>")
        .append(CSS)
        .append("</style></head><body>");
    header();
    out.append("<main>");
    summary();
    failures();
    gallery();
    histograms();
    out.append("</main>");
    footer();
    out.append("</body></html>\n");
    return out.toString();
  }

  private void header() {
    long failed = sum.totals.inputs.failed;
    int exit = sum.exitCode;
    boolean overLimit = exit != 0;
    String verdict;
    String cls;
    if (overLimit) {
      verdict = "Failures over the limit: exit code " + exit;
      cls = "bad";
    } else if (failed > 0) {
      verdict = failed + " failed, within the limit";
      cls = "warn";
    } else {
      verdict = "Every input processed or skipped";
      cls = "good";
    }
    out.append(
            "<header class=\"top\"><div><div class=\"eyebrow\">superres · run report</div><h1>Run <code>")
        .append(Html.escape(d.runId))
        .append("</code></h1><div class=\"sub\">")
        .append(Html.escape(time(sum.startedAt)))
        .append(" → ")
        .append(Html.escape(time(sum.finishedAt)))
        .append(" · output <code>")
        .append(Html.escape(d.outputRoot))
        .append("</code></div></div>")
        .append("<div id=\"verdict\" class=\"verdict ")
        .append(cls)
        .append("\">")
        .append(Html.escape(verdict))
        .append("</div></header>");
    out.append("<nav><a href=\"#summary\">Summary</a><a href=\"#failures\">Failures (")
        .append(d.failuresTotal)
        .append(")</a><a href=\"#gallery\">Before / after (")
        .append(d.samples.size())
        .append(")</a><a href=\"#histograms\">Distributions</a></nav>");
  }

  private void summary() {
    out.append("<section id=\"summary\"><h2>Summary</h2><div class=\"tiles\">");
    tile("listed", "Inputs", Long.toString(sum.totals.inputs.listed), "listed", "");
    tile("ok", "OK", Long.toString(sum.totals.inputs.ok), "enhanced and written", "ok");
    tile(
        "skipped",
        "Skipped",
        Long.toString(sum.totals.inputs.skipped),
        "output already there",
        "skipped");
    tile(
        "failed",
        "Failed",
        Long.toString(sum.totals.inputs.failed),
        pct(sum.failureRatio) + " of inputs",
        sum.totals.inputs.failed > 0 ? "failed" : "");
    tile(
        "throughput",
        "Throughput",
        fmt(sum.throughputImagesPerSecond, 2) + " img/s",
        fmt(sum.throughputInputMegapixelsPerSecond, 2) + " input MP/s",
        "");
    tile(
        "wall",
        "Wall time",
        duration(sum.wallSeconds),
        "processing " + duration(sum.processingSeconds),
        "");
    out.append("</div><div class=\"cols\"><div class=\"card\"><h3>Run</h3><dl class=\"details\">");
    RunSummary.ModelUse model = sum.model;
    detail(
        "Model", model == null ? "–" : model.name + " (" + model.kind + " ×" + model.scale + ")");
    String sha = model == null || model.sha256 == null ? "–" : model.sha256;
    out.append("<dt>Model SHA-256</dt><dd><code title=\"")
        .append(Html.escape(sha))
        .append("\">")
        .append(Html.escape(sha.length() > 16 ? sha.substring(0, 16) + "…" : sha))
        .append("</code></dd>");
    detail("Device", sum.totals.devices.isEmpty() ? "–" : String.join(", ", sum.totals.devices));
    if (model != null) {
      detail(
          "Model loads",
          model.loads
              + " (load "
              + model.loadMsTotal
              + " ms, warm-up "
              + model.warmupMsTotal
              + " ms in all)");
    }
    detail("Post-processing", d.postprocess == null ? "off" : d.postprocess);
    detail("Input megapixels (ok)", fmt(sum.totals.okInputMegapixels, 2));
    detail(
        "Failure limit",
        pct(sum.failureRatio)
            + " failed, limit "
            + pct(sum.maxFailureRatio)
            + ", exit code "
            + sum.exitCode);
    out.append("</dl></div>");
    stages();
    out.append("</div></section>");
  }

  private void stages() {
    out.append(
            "<div class=\"card\"><h3>Time per stage <span class=\"hint\">ok images, all executors</span></h3>")
        .append(
            "<table id=\"stages\" class=\"stages\"><thead><tr><th>Stage</th><th class=\"bar-col\">Share</th>")
        .append("<th class=\"num\">Total</th><th class=\"num\">p50</th><th class=\"num\">p90</th>")
        .append("<th class=\"num\">p99</th><th class=\"num\">Max</th></tr></thead><tbody>");
    double all = 0;
    for (String s : STAGES) {
      all += stage(s).sum;
    }
    for (String s : STAGES) {
      ManifestTotals.StageTimes times = stage(s);
      double share = all > 0 ? times.sum / all : 0;
      out.append("<tr data-stage=\"")
          .append(s)
          .append("\"><td>")
          .append(s)
          .append("</td><td class=\"bar-col\">")
          .append(
              String.format(
                  Locale.ROOT,
                  "<span class=\"share\"><span style=\"width:%.1f%%\"></span></span>",
                  share * 100))
          .append(String.format(Locale.ROOT, " %.0f%%", share * 100))
          .append("</td><td class=\"num\">")
          .append(duration(times.sum / 1000.0))
          .append("</td>");
      percentiles(times);
      out.append("</tr>");
    }
    out.append("</tbody><tfoot><tr><td>per image</td><td></td><td class=\"num\">")
        .append(duration(stage("total").sum / 1000.0))
        .append("</td>");
    percentiles(stage("total"));
    out.append("</tr></tfoot></table></div>");
  }

  private void failures() {
    out.append("<section id=\"failures\"><h2>Failures</h2>");
    if (d.failuresTotal == 0) {
      out.append("<p class=\"none\">No input failed.</p></section>");
      return;
    }
    out.append("<div class=\"cols narrow-first\"><div class=\"card\"><h3>By kind</h3>")
        .append(
            "<table id=\"error-kinds\" class=\"kinds\"><thead><tr><th>Kind</th><th class=\"num\">Inputs</th>")
        .append("</tr></thead><tbody>");
    for (Map.Entry<String, Long> e : sum.totals.errorsByKind.entrySet()) {
      out.append("<tr><td><span class=\"kind\">")
          .append(Html.escape(e.getKey()))
          .append("</span></td>")
          .append("<td class=\"num\">")
          .append(e.getValue())
          .append("</td></tr>");
    }
    out.append("</tbody></table></div><div class=\"card\"><h3>Failed inputs");
    if (d.failuresTotal > d.failures.size()) {
      out.append(" <span class=\"hint\">first ")
          .append(d.failures.size())
          .append(" of ")
          .append(d.failuresTotal)
          .append(" by name; manifest.jsonl lists all</span>");
    }
    out.append(
            "</h3><table id=\"failures-table\" class=\"failures\"><thead><tr><th>Input</th><th>Error</th>")
        .append("</tr></thead><tbody>");
    for (RunReportData.Failure f : d.failures) {
      out.append("<tr><td class=\"input\"><div class=\"name\">")
          .append(Html.escape(fileName(f.inputUri)))
          .append("</div><div class=\"uri\">")
          .append(Html.escape(f.inputUri))
          .append("</div></td><td class=\"error\">")
          .append("<span class=\"kind\">")
          .append(Html.escape(f.kind))
          .append("</span> ")
          .append(Html.escape(f.message))
          .append("</td></tr>");
    }
    out.append("</tbody></table></div></div></section>");
  }

  private void gallery() {
    out.append("<section id=\"gallery\"><h2>Before / after</h2>");
    if (d.samples.isEmpty()) {
      out.append("<p class=\"none\">No gallery: ")
          .append(
              d.samplesRequested == 0
                  ? "report.samples is 0."
                  : "none of the sampled inputs was enhanced in this run.")
          .append("</p></section>");
      return;
    }
    out.append("<p class=\"lead\">")
        .append(d.samples.size())
        .append(" inputs spread over the listing. ")
        .append(
            "Each pair shows the same region at 1:1 output pixels, where the input has the most detail: ")
        .append(
            "the input enlarged with bicubic interpolation, and the delivered output. The thumbnail marks ")
        .append("the region.</p><input type=\"checkbox\" id=\"zoom\" class=\"zoom-toggle\">")
        .append(
            "<label for=\"zoom\" class=\"zoom-label\">Zoom crops 2× (pixels kept sharp)</label>")
        .append("<div class=\"samples\">");
    for (GallerySample s : d.samples) {
      sample(s);
    }
    out.append("</div></section>");
  }

  private void sample(GallerySample s) {
    out.append("<article class=\"sample\"><h3 title=\"")
        .append(Html.escape(s.inputUri))
        .append("\">")
        .append(Html.escape(s.relativePath))
        .append("</h3><p class=\"meta\">");
    if (s.inputWidth != null) {
      out.append(s.inputWidth).append("×").append(s.inputHeight).append(" → ");
    }
    out.append(s.outputWidth).append("×").append(s.outputHeight);
    if (s.inferMs != null) {
      out.append(" · model ").append(ms(s.inferMs));
    }
    if (s.totalMs != null) {
      out.append(" · total ").append(ms(s.totalMs));
    }
    if (s.device != null) {
      out.append(" · ").append(Html.escape(s.device));
    }
    String style =
        String.format(
            Locale.ROOT,
            " style=\"--w:%dpx\" width=\"%d\" height=\"%d\"",
            s.cropWidth,
            s.cropWidth,
            s.cropHeight);
    String alt = Html.escape(s.relativePath);
    out.append("</p><div class=\"pair\"><figure><img class=\"crop bicubic\" src=\"")
        .append(s.bicubicCrop)
        .append("\" alt=\"bicubic crop of ")
        .append(alt)
        .append("\"")
        .append(style)
        .append("><figcaption>Bicubic ×")
        .append(s.scale)
        .append("</figcaption></figure>")
        .append("<figure><img class=\"crop model\" src=\"")
        .append(s.modelCrop)
        .append("\" alt=\"model crop of ")
        .append(alt)
        .append("\"")
        .append(style)
        .append("><figcaption>")
        .append(Html.escape(sum.model == null ? "–" : sum.model.name))
        .append(d.postprocess == null ? "" : " + post-processing")
        .append("</figcaption></figure></div>");
    double fx = s.outputWidth > 0 ? 100.0 / s.outputWidth : 0;
    double fy = s.outputHeight > 0 ? 100.0 / s.outputHeight : 0;
    out.append("<figure class=\"whole\"><div class=\"thumbwrap\"><img class=\"thumb\" src=\"")
        .append(s.thumbnail)
        .append("\" alt=\"whole output of ")
        .append(alt)
        .append("\" width=\"")
        .append(s.thumbnailWidth)
        .append("\" height=\"")
        .append(s.thumbnailHeight)
        .append("\">")
        .append(
            String.format(
                Locale.ROOT,
                "<span class=\"cropbox\" style=\"left:%.2f%%;top:%.2f%%;width:%.2f%%;height:%.2f%%\"></span>",
                s.cropX * fx,
                s.cropY * fy,
                s.cropWidth * fx,
                s.cropHeight * fy))
        .append("</div><figcaption>Whole output")
        .append(
            s.cropX == 0
                    && s.cropY == 0
                    && s.cropWidth == s.outputWidth
                    && s.cropHeight == s.outputHeight
                ? ""
                : ", region marked")
        .append("</figcaption></figure></article>");
  }

  private void histograms() {
    out.append(
            "<section id=\"histograms\"><h2>Distributions <span class=\"hint\">ok images</span></h2>")
        .append(
            "<div class=\"cols\"><figure class=\"card chart\" id=\"hist-size\"><h3>Input size</h3>")
        .append(
            SvgHistogram.render(
                d.inputMegapixels, "Input size (megapixels)", v -> fmt(v, 2) + " MP"))
        .append("</figure><figure class=\"card chart\" id=\"hist-time\"><h3>Time per image</h3>")
        .append(
            SvgHistogram.render(
                d.imageMillis, "Time per image, read to write", RunReportPage::msValue))
        .append("</figure></div></section>");
  }

  private void footer() {
    out.append("<footer>Written by superres at ")
        .append(Html.escape(Instant.now().toString()))
        .append(". Every input has one row in <code>")
        .append(Html.escape(d.runDir))
        .append(
            "/manifest.jsonl</code> and the Parquet manifest; totals and the configuration used are in <code>")
        .append(Html.escape(d.runDir))
        .append("/summary.json</code>.</footer>");
  }

  // ---- small helpers ----

  private void tile(String key, String label, String value, String note, String cls) {
    out.append("<div class=\"tile ")
        .append(cls)
        .append("\" data-key=\"")
        .append(key)
        .append("\"><div class=\"label\">")
        .append(Html.escape(label))
        .append("</div><div class=\"value\">")
        .append(Html.escape(value))
        .append("</div><div class=\"note\">")
        .append(Html.escape(note))
        .append("</div></div>");
  }

  private void detail(String term, String value) {
    out.append("<dt>")
        .append(Html.escape(term))
        .append("</dt><dd>")
        .append(Html.escape(value))
        .append("</dd>");
  }

  private ManifestTotals.StageTimes stage(String name) {
    return sum.totals.stagesMs.getOrDefault(name, new ManifestTotals.StageTimes());
  }

  private void percentiles(ManifestTotals.StageTimes t) {
    for (Long v : new Long[] {t.p50, t.p90, t.p99, t.max}) {
      out.append("<td class=\"num\">").append(ms(v)).append("</td>");
    }
  }

  private static String fileName(String uri) {
    int slash = uri.lastIndexOf('/');
    return slash >= 0 && slash < uri.length() - 1 ? uri.substring(slash + 1) : uri;
  }

  private static String fmt(double v, int decimals) {
    return Double.isNaN(v) || Double.isInfinite(v)
        ? "–"
        : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String pct(double ratio) {
    return Double.isNaN(ratio) ? "–" : String.format(Locale.ROOT, "%.1f%%", ratio * 100);
  }

  private static String duration(double seconds) {
    if (Double.isNaN(seconds)) {
      return "–";
    }
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long s = Math.round(seconds);
    return s < 3600
        ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60)
        : String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }

  private static String ms(Object v) {
    return v instanceof Number ? msValue(((Number) v).doubleValue()) : "–";
  }

  private static String msValue(double v) {
    return v < 1000
        ? String.format(Locale.ROOT, "%.0f ms", v)
        : String.format(Locale.ROOT, "%.2f s", v / 1000);
  }

  private static String time(Object iso) {
    if (iso == null) {
      return "–";
    }
    String s = iso.toString();
    // 2026-11-28T08:25:18.123456Z -> 2026-11-28 08:25:18 UTC
    return s.length() >= 19 && s.charAt(10) == 'T'
        ? s.substring(0, 10) + " " + s.substring(11, 19) + " UTC"
        : s;
  }

  private static final String CSS =
      String.join(
          "\n",
          ":root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--card:#fff;--accent:#0b6e75;",
          "--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--skip:#6e7781}",
          "*{box-sizing:border-box}",
          "body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,'Segoe UI',"
              + "Roboto,'DejaVu Sans',sans-serif}",
          "code{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,monospace;font-size:.9em}",
          "header.top{display:flex;justify-content:space-between;align-items:center;gap:24px;padding:22px 32px;"
              + "background:#0d2b33;color:#fff}",
          "header.top h1{margin:2px 0;font-size:24px;font-weight:600}",
          "header.top code{font-size:.95em}",
          ".eyebrow{text-transform:uppercase;letter-spacing:.08em;font-size:12px;color:#9fd3d6}",
          ".sub{color:#c9d6da;font-size:13px;word-break:break-all}",
          ".verdict{padding:8px 14px;border-radius:999px;font-weight:600;white-space:nowrap}",
          ".verdict.good{background:#d1f4dc;color:#0f5323}.verdict.warn{background:#fff1c2;color:#6a4700}",
          ".verdict.bad{background:#ffd7d5;color:#8e1519}",
          "nav{position:sticky;top:0;z-index:2;display:flex;gap:4px;padding:6px 28px;background:#fff;"
              + "border-bottom:1px solid var(--line)}",
          "nav a{color:var(--accent);text-decoration:none;padding:6px 10px;border-radius:6px;font-weight:500}",
          "nav a:hover{background:#e6f2f2}",
          "main{max-width:1320px;margin:0 auto;padding:8px 32px 32px}",
          "section{margin-top:26px}",
          "h2{font-size:20px;margin:0 0 12px;padding-bottom:6px;border-bottom:2px solid var(--line)}",
          "h3{font-size:15px;margin:0 0 10px}",
          ".hint{font-weight:400;color:var(--muted);font-size:13px;margin-left:6px}",
          ".tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px}",
          ".tile{background:var(--card);border:1px solid var(--line);border-left:5px solid var(--accent);"
              + "border-radius:8px;padding:12px 14px}",
          ".tile.ok{border-left-color:var(--ok)}.tile.skipped{border-left-color:var(--skip)}",
          ".tile.failed{border-left-color:var(--bad)}.tile.failed .value{color:var(--bad)}",
          ".tile .label{color:var(--muted);font-size:13px;text-transform:uppercase;letter-spacing:.04em}",
          ".tile .value{font-size:28px;font-weight:650;line-height:1.2;margin:2px 0}",
          ".tile .note{color:var(--muted);font-size:13px}",
          ".cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:16px;margin-top:16px}",
          ".cols.narrow-first{grid-template-columns:minmax(220px,300px) 1fr}",
          ".card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px;margin:0;"
              + "min-width:0}",
          "dl.details{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px;margin:0}",
          "dl.details dt{color:var(--muted)}dl.details dd{margin:0;word-break:break-word}",
          "table{border-collapse:collapse;width:100%}",
          "th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}",
          "th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600}",
          ".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}",
          "tfoot td{font-weight:600;border-top:2px solid var(--line);white-space:nowrap}",
          ".bar-col{white-space:nowrap;width:30%}",
          ".share{display:inline-block;width:70%;height:10px;background:#eaeef2;border-radius:5px;"
              + "vertical-align:middle;overflow:hidden}",
          ".share span{display:block;height:100%;background:var(--accent)}",
          ".kind{display:inline-block;background:#ffebe9;color:#8e1519;border:1px solid #ffcecb;border-radius:6px;"
              + "padding:0 7px;font-size:12.5px;font-weight:600;font-family:ui-monospace,'DejaVu Sans Mono',monospace}",
          "table.failures .name{font-weight:600;word-break:break-all}",
          "table.failures .uri{color:var(--muted);font-size:12.5px;word-break:break-all}",
          "table.failures td.error{word-break:break-word}",
          ".none{background:#fff;border:1px dashed var(--line);border-radius:8px;padding:14px;color:var(--muted)}",
          ".lead{color:var(--muted);max-width:900px;margin:0 0 10px}",
          ".zoom-toggle{margin:0 6px 14px 0;vertical-align:-2px;accent-color:var(--accent)}",
          ".zoom-label{cursor:pointer;font-size:14px;font-weight:500}",
          ".samples{display:grid;grid-template-columns:repeat(auto-fill,minmax(600px,1fr));gap:16px;align-items:start}",
          ".sample{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;"
              + "display:grid;grid-template-columns:auto 1fr;grid-template-rows:auto auto 1fr;column-gap:18px;"
              + "min-width:0}",
          ".sample h3{grid-column:1 / -1;margin:0;word-break:break-all}",
          ".sample .meta{grid-column:1 / -1;margin:0 0 10px;color:var(--muted);font-size:13px}",
          ".pair{display:flex;gap:8px;align-items:flex-start}",
          "figure{margin:0}",
          "figcaption{font-size:12.5px;color:var(--muted);margin-top:3px}",
          "img.crop{display:block;width:var(--w);height:auto;border:1px solid var(--line);background:#fff}",
          ".zoom-toggle:checked ~ .samples img.crop{width:calc(var(--w) * 2);image-rendering:pixelated}",
          ".zoom-toggle:checked ~ .samples{grid-template-columns:1fr}",
          ".whole{min-width:0}",
          ".thumbwrap{position:relative;display:inline-block;max-width:100%;line-height:0}",
          "img.thumb{display:block;max-width:100%;max-height:280px;width:auto;height:auto;"
              + "border:1px solid var(--line);background:#fff}",
          ".cropbox{position:absolute;border:2px solid #ff5a1f;box-shadow:0 0 0 1px #fff;pointer-events:none}",
          ".chart{overflow-x:auto}",
          "svg.histogram{display:block;max-width:100%;height:auto;font-size:12px}",
          "svg .bar{fill:var(--accent)}svg .bar:hover{fill:#12a1ab}",
          "svg .grid{stroke:#eaeef2}svg .axis{stroke:#8c959f}",
          "svg .ylabel{fill:var(--muted);text-anchor:end}svg .xlabel{fill:var(--muted)}",
          "svg .caption{fill:var(--ink);font-size:12.5px}svg .empty{fill:var(--muted)}",
          "footer{max-width:1320px;margin:0 auto;padding:8px 32px 40px;color:var(--muted);font-size:13px;"
              + "word-break:break-word}",
          "@media (max-width:700px){.cols,.cols.narrow-first{grid-template-columns:1fr}"
              + ".samples{grid-template-columns:1fr}.sample{grid-template-columns:1fr}}");
}
