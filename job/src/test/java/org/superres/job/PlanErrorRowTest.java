package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.superres.engine.ModelKind;
import org.superres.engine.ModelSpec;
import org.superres.manifest.ManifestRow;
import org.superres.plan.InputFile;
import org.superres.plan.PlannedInput;

/**
 * An input the planner refused becomes a failed row with one "plan:" prefix, without loading any
 * model.
 */
class PlanErrorRowTest {
  @Test
  void planErrorsKeepOneKindPrefix() {
    ImagePipeline pipeline =
        new ImagePipeline(
            JobTestSupport.settings(),
            new ModelSpec("m", ModelKind.FSRCNN, 3, "0"),
            () -> {
              throw new AssertionError("a refused input must not load the model");
            },
            new Configuration());
    PlannedInput in =
        PlannedInput.planError(
            new InputFile("file:/in/a.jpg", "a.jpg", 10, 0L),
            "file:/out/a.png",
            "output file:/out/a.png is already the output of file:/in/a.png");
    ManifestRow row = pipeline.process(in, new ImagePipeline.Origin("r", "driver", "h", 0, "t0"));
    assertEquals(ManifestRow.FAILED, row.status);
    assertEquals("plan: output file:/out/a.png is already the output of file:/in/a.png", row.error);
    assertEquals("plan", row.errorKind);
    assertEquals("1970-01-01T00:00:00Z", row.inputMtime);
  }
}
