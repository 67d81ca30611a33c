package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporaryOutputSweeperTest {
  @TempDir Path dir;

  private PlannedInput output(String name, boolean skip) {
    InputFile in = new InputFile("file:/in/" + name, name, 1, 0);
    String out = dir.resolve(name).toUri().toString();
    return skip ? PlannedInput.skip(in, out, "output exists") : PlannedInput.process(in, out);
  }

  @Test
  void removesOnlyAttemptTemporariesOfThisRunsOutputs() throws Exception {
    Files.write(dir.resolve("a.png"), new byte[] {1});
    Files.write(dir.resolve(".a.png.t17.tmp"), new byte[] {1}); // a killed attempt's leftover
    Files.write(dir.resolve(".b.png.t3.tmp"), new byte[] {1}); // b was skipped: not this run's
    Files.write(dir.resolve(".c.png.tmp"), new byte[] {1}); // not our naming
    Files.write(dir.resolve(".x.png.t9.tmp"), new byte[] {1}); // no such output in this run

    int removed =
        new TemporaryOutputSweeper(new Configuration())
            .sweep(List.of(output("a.png", false), output("b.png", true)));

    assertEquals(1, removed);
    assertFalse(Files.exists(dir.resolve(".a.png.t17.tmp")));
    assertTrue(Files.exists(dir.resolve("a.png")));
    assertTrue(Files.exists(dir.resolve(".b.png.t3.tmp")));
    assertTrue(Files.exists(dir.resolve(".c.png.tmp")));
    assertTrue(Files.exists(dir.resolve(".x.png.t9.tmp")));
  }

  @Test
  void removesTemporariesOfTheRunsReportAssetsToo() throws Exception {
    Path assets = Files.createDirectories(dir.resolve("_runs/R1/report-assets"));
    Files.write(
        assets.resolve(".00001-model.png.t4.tmp"), new byte[] {1}); // killed while writing a crop
    Files.write(
        assets.resolve("00002-model.png"), new byte[] {1}); // another sample's finished asset
    PlannedInput sampled =
        output("a.png", false).sampled(assets.resolve("00001").toUri().toString());

    int removed = new TemporaryOutputSweeper(new Configuration()).sweep(List.of(sampled));

    assertEquals(1, removed);
    assertFalse(Files.exists(assets.resolve(".00001-model.png.t4.tmp")));
    assertTrue(Files.exists(assets.resolve("00002-model.png")));
  }
}
