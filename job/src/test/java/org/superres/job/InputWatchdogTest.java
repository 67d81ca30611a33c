package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.superres.config.JobSettings;
import org.superres.engine.Device;
import org.superres.engine.ModelKind;
import org.superres.engine.ModelSpec;
import org.superres.engine.Precision;
import org.superres.engine.SuperResNet;
import org.superres.manifest.ManifestRow;
import org.superres.plan.InputFile;
import org.superres.plan.PlannedInput;
import org.superres.testing.Fixtures;
import org.superres.testing.HostileCorpus;

/**
 * The per-input watchdog on a read that can never be interrupted: opening a named pipe that no one
 * writes blocks in native code. (The listing never lets a pipe through; here the pipeline is handed
 * one directly, standing in for a dead NFS or FUSE mount.) The input gets a timeout row, its thread
 * is given up on, and the inputs after it are processed by a fresh thread; past
 * limits.max-stuck-threads the task fails instead, for Spark to retry elsewhere.
 */
class InputWatchdogTest {
  @TempDir Path dir;
  private SuperResNet net;
  private Path fifo;

  @BeforeEach
  void model() throws Exception {
    Path model = Fixtures.ownModel();
    net =
        SuperResNet.load(
            new ModelSpec("own", ModelKind.EDSR, 3, ModelSpec.sha256Of(model)),
            model,
            Device.CPU,
            Precision.FP32);
    fifo = dir.resolve("stuck.png");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "skipped: no mkfifo");
  }

  @AfterEach
  void release() throws Exception {
    // A writer at last: the blocked open returns, and the retired thread with it.
    try (FileOutputStream w = new FileOutputStream(fifo.toFile())) {
      w.flush();
    }
    net.close();
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aStuckReadGetsATimeoutRowAndTheNextInputsGoOn() throws Exception {
    List<ManifestRow> rows = new ArrayList<>();
    try (StagedRunner runner = runner(inputs(), 4)) {
      runner.forEachRemaining(rows::add);
    }
    assertEquals(4, rows.size());
    assertEquals("ok", rows.get(0).status, rows.get(0).error);
    assertEquals("failed", rows.get(1).status);
    assertEquals("timeout", rows.get(1).errorKind);
    assertTrue(rows.get(1).error.contains("limits.input-timeout"), rows.get(1).error);
    assertTrue(rows.get(1).error.contains("read stage"), rows.get(1).error);
    assertEquals("ok", rows.get(2).status, rows.get(2).error);
    assertEquals("ok", rows.get(3).status, rows.get(3).error);
    assertTrue(StuckThreads.count() >= 1, "the reader blocked in open() is counted as stuck");
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void pastTheStuckThreadLimitTheTaskFailsForSparkToRetryElsewhere() throws Exception {
    try (StagedRunner runner = runner(inputs(), 0)) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> runner.forEachRemaining(r -> {}));
      assertTrue(e.getMessage().contains("limits.max-stuck-threads=0"), e.getMessage());
    }
  }

  private StagedRunner runner(Iterator<PlannedInput> inputs, int maxStuck) {
    JobSettings settings = JobTestSupport.settings("tiling.tile=0");
    ImagePipeline pipeline =
        new ImagePipeline(settings, net.spec(), () -> net, new Configuration());
    ImagePipeline.Origin origin = new ImagePipeline.Origin("r", "driver", "h", 0, "t9");
    return new StagedRunner(inputs, pipeline, origin, in -> {}, 3, 3_000, maxStuck);
  }

  private Iterator<PlannedInput> inputs() throws Exception {
    byte[] png = HostileCorpus.png(HostileCorpus.gradient(16, 12, BufferedImage.TYPE_3BYTE_BGR));
    List<PlannedInput> in = new ArrayList<>();
    for (String name : new String[] {"a.png", "stuck.png", "b.png", "c.png"}) {
      Path p = dir.resolve(name);
      if (!name.equals("stuck.png")) {
        Files.write(p, png);
      }
      InputFile f = new InputFile("file:" + p, name, png.length, 0L);
      in.add(PlannedInput.process(f, "file:" + dir.resolve("out").resolve(name)));
    }
    return in.iterator();
  }
}
