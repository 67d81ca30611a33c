package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportSamplerTest {

  @Test
  void spreadsSamplesEvenlyOverTheListing() {
    List<InputFile> inputs = inputs(100);
    assertEquals(12, ReportSampler.mark(inputs, 12, "file:/out/_runs/R/report-assets"));
    List<Integer> marked = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i).reportAssets != null) {
        marked.add(i);
      }
    }
    assertEquals(12, marked.size());
    assertTrue(marked.get(0) <= 8, "first sample near the start: " + marked);
    assertTrue(marked.get(11) >= 91, "last sample near the end: " + marked);
    for (int k = 1; k < marked.size(); k++) {
      int gap = marked.get(k) - marked.get(k - 1);
      assertTrue(gap >= 8 && gap <= 9, "even gaps: " + marked);
    }
    assertEquals("file:/out/_runs/R/report-assets/00000", inputs.get(marked.get(0)).reportAssets);
    assertEquals("file:/out/_runs/R/report-assets/00011", inputs.get(marked.get(11)).reportAssets);
  }

  @Test
  void samplesOnlyInputsThatWillBeProcessed() {
    List<InputFile> inputs = inputs(5);
    inputs.get(0).skip = true;
    inputs.get(3).planError = "plan: clash";
    assertEquals(3, ReportSampler.mark(inputs, 12, "d"));
    assertNull(inputs.get(0).reportAssets);
    assertNull(inputs.get(3).reportAssets);
    assertEquals("d/00000", inputs.get(1).reportAssets);
    assertEquals("d/00001", inputs.get(2).reportAssets);
    assertEquals("d/00002", inputs.get(4).reportAssets);
  }

  @Test
  void zeroSamplesMarksNothing() {
    List<InputFile> inputs = inputs(5);
    assertEquals(0, ReportSampler.mark(inputs, 0, "d"));
    inputs.forEach(in -> assertNull(in.reportAssets));
  }

  private static List<InputFile> inputs(int n) {
    List<InputFile> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(new InputFile("file:/in/" + i + ".png", i + ".png", 1000, 0));
    }
    return list;
  }
}
