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
    List<PlannedInput> inputs = inputs(100);
    assertEquals(12, ReportSampler.sample(inputs, 12, "file:/out/_runs/R/report-assets"));
    List<Integer> marked = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i).galleryPrefix != null) {
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
    assertEquals("file:/out/_runs/R/report-assets/00000", inputs.get(marked.get(0)).galleryPrefix);
    assertEquals("file:/out/_runs/R/report-assets/00011", inputs.get(marked.get(11)).galleryPrefix);
  }

  @Test
  void samplesOnlyInputsThatWillBeProcessed() {
    List<PlannedInput> inputs = inputs(5);
    inputs.set(0, PlannedInput.skip(inputs.get(0).input, inputs.get(0).outputUri, "output exists"));
    inputs.set(3, PlannedInput.planError(inputs.get(3).input, null, "clash"));
    assertEquals(3, ReportSampler.sample(inputs, 12, "d"));
    assertNull(inputs.get(0).galleryPrefix);
    assertNull(inputs.get(3).galleryPrefix);
    assertEquals("d/00000", inputs.get(1).galleryPrefix);
    assertEquals("d/00001", inputs.get(2).galleryPrefix);
    assertEquals("d/00002", inputs.get(4).galleryPrefix);
  }

  @Test
  void zeroSamplesMarksNothing() {
    List<PlannedInput> inputs = inputs(5);
    assertEquals(0, ReportSampler.sample(inputs, 0, "d"));
    inputs.forEach(in -> assertNull(in.galleryPrefix));
  }

  private static List<PlannedInput> inputs(int n) {
    List<PlannedInput> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      InputFile in = new InputFile("file:/in/" + i + ".png", i + ".png", 1000, 0);
      list.add(PlannedInput.process(in, "file:/out/" + i + ".png"));
    }
    return list;
  }
}
