package org.superres.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The page without Spark or a browser: escaping and the empty cases. RunReportBrowserTest renders a
 * real run.
 */
class RunReportPageTest {

  @Test
  void escapesEverySpecialCharacter() {
    assertEquals(
        "&lt;a href=&quot;x&quot; class=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
        Html.escape("<a href=\"x\" class='y'>&amp;</a>"));
    assertEquals("", Html.escape(null));
  }

  @Test
  void inputDerivedStringsNeverBecomeMarkup() {
    RunReportData d = data();
    d.failures.add(
        new RunReportData.Failure(
            "file:/in/<script>alert(1)</script>.png", "decode", "bad <b>header</b> & \"quote\""));
    d.failuresTotal = 1;
    d.postprocess = "<i>x</i>";
    String html = RunReportPage.render(d);
    assertFalse(html.contains("<script>"), "a file name must not inject a script");
    assertFalse(html.contains("<b>header"));
    assertFalse(html.contains("<i>x</i>"));
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;.png"));
    assertTrue(html.contains("bad &lt;b&gt;header&lt;/b&gt; &amp; &quot;quote&quot;"));
  }

  @Test
  void saysSoWhenThereIsNothingToShow() {
    RunReportData d = data();
    d.samplesRequested = 0;
    String html = RunReportPage.render(d);
    assertTrue(html.contains("No input failed."));
    assertTrue(html.contains("report.samples is 0"));
    assertTrue(html.contains("no data"), "empty histograms say so");
    assertFalse(html.contains("src=\"http"), "nothing is loaded from elsewhere");
  }

  @Test
  void countAxisTopsAreRound() {
    assertEquals(4, SvgHistogram.niceCeiling(1));
    assertEquals(8, SvgHistogram.niceCeiling(5));
    assertEquals(40, SvgHistogram.niceCeiling(37));
    assertEquals(200, SvgHistogram.niceCeiling(123));
  }

  private static RunReportData data() {
    RunReportData d = new RunReportData();
    d.runId = "20261128T000000Z-abcd";
    d.outputRoot = "file:/out";
    d.runDir = "file:/out/_runs/20261128T000000Z-abcd";
    d.summary.totals.inputs.listed = 1;
    d.summary.totals.inputs.failed = 1;
    d.summary.exitCode = 3;
    d.inputMegapixels = new Histogram(0, 0, new long[0]);
    d.imageMillis = new Histogram(0, 0, new long[0]);
    return d;
  }
}
