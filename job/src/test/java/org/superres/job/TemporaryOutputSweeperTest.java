package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporaryOutputSweeperTest {
  @TempDir Path dir;

  private Set<String> names(String dirUri, List<String> targets) {
    Set<String> names = new HashSet<>();
    for (String t : targets) {
      if (new org.apache.hadoop.fs.Path(t).getParent().toString().equals(dirUri)) {
        names.add(new org.apache.hadoop.fs.Path(t).getName());
      }
    }
    return names;
  }

  @Test
  void removesOnlyAttemptTemporariesOfThisRunsOutputs() throws Exception {
    Files.write(dir.resolve("a.png"), new byte[] {1});
    Files.write(dir.resolve(".a.png.t17.tmp"), new byte[] {1}); // a killed attempt's leftover
    Files.write(dir.resolve(".b.png.t3.tmp"), new byte[] {1}); // b was skipped: not this run's
    Files.write(dir.resolve(".c.png.tmp"), new byte[] {1}); // not our naming
    Files.write(dir.resolve(".x.png.t9.tmp"), new byte[] {1}); // no such output in this run

    String d = new org.apache.hadoop.fs.Path("file:" + dir).toString();
    List<String> written = TemporaryOutputSweeper.targets(d + "/a.png", null);
    int removed = TemporaryOutputSweeper.sweepDir(d, names(d, written), new Configuration());

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
    // killed while writing a crop
    Files.write(assets.resolve(".00001-model.png.t4.tmp"), new byte[] {1});
    // another sample's finished asset
    Files.write(assets.resolve("00002-model.png"), new byte[] {1});
    String d = new org.apache.hadoop.fs.Path("file:" + assets).toString();
    String out = new org.apache.hadoop.fs.Path("file:" + dir).toString() + "/a.png";
    List<String> written = TemporaryOutputSweeper.targets(out, d + "/00001");

    int removed = TemporaryOutputSweeper.sweepDir(d, names(d, written), new Configuration());

    assertEquals(1, removed);
    assertFalse(Files.exists(assets.resolve(".00001-model.png.t4.tmp")));
    assertTrue(Files.exists(assets.resolve("00002-model.png")));
  }
}
