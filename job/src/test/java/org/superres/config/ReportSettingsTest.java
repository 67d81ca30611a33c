package org.superres.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The report.* and postprocess.* keys: documented defaults, overrides, and one clear error per bad
 * value.
 */
class ReportSettingsTest {

  @Test
  void defaultsAreAReportWithTwelveSamplesAndNoPostProcessing() {
    JobSettings s = JobSettings.from(ConfigLoader.load(null, List.of()));
    assertTrue(s.reportEnabled);
    assertEquals(12, s.reportSamples);
    assertEquals(160, s.reportCrop);
    assertEquals(320, s.reportThumbnail);
    assertTrue(s.postProcess.isOff());
    assertNull(s.postProcess.description());
  }

  @Test
  void overridesReachTheSettings() {
    JobSettings s =
        JobSettings.from(
            ConfigLoader.load(
                null,
                List.of(
                    "report.samples=3",
                    "report.enabled=false",
                    "postprocess.clahe.enabled=true",
                    "postprocess.contrast=1.2",
                    "postprocess.brightness=-4")));
    assertEquals(3, s.reportSamples);
    assertEquals(false, s.reportEnabled);
    assertEquals(
        "clahe(L, clip-limit=2, tile-grid=8x8); contrast=1.2, brightness=-4",
        s.postProcess.description());
  }

  @Test
  void badValuesNameTheirKey() {
    ConfigError e =
        assertThrows(
            ConfigError.class,
            () -> JobSettings.from(ConfigLoader.load(null, List.of("postprocess.contrast=0"))));
    assertTrue(
        e.getMessage().contains("superres.postprocess") && e.getMessage().contains("contrast"),
        e.getMessage());
    e =
        assertThrows(
            ConfigError.class,
            () -> JobSettings.from(ConfigLoader.load(null, List.of("report.samples=-1"))));
    assertTrue(e.getMessage().contains("superres.report.samples"), e.getMessage());
  }
}
