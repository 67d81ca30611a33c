package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.config.ConfigLoader;
import org.superres.config.JobSettings;
import org.superres.engine.DecodedImage;
import org.superres.engine.Device;
import org.superres.engine.ImageCodec;
import org.superres.engine.ImageFormat;
import org.superres.engine.ImageMetadata;
import org.superres.engine.ModelKind;
import org.superres.engine.ModelSpec;
import org.superres.engine.Precision;
import org.superres.engine.SuperResNet;
import org.superres.manifest.ManifestRow;
import org.superres.plan.InputFile;
import org.superres.plan.PlannedInput;
import org.superres.samples.SampleImages;
import org.superres.testing.Fixtures;
import org.superres.testing.Images;

/**
 * Several tasks share one executor's network: while one task holds it (an inference in progress),
 * another task reads and decodes its input and then waits for the network only, and a third decodes
 * and encodes freely. The network's lock is the only one on the way (what keeps a GPU busy with
 * several task slots).
 */
class PipelineOverlapTest {
  @TempDir Path tmp;

  @Test
  void onlyInferenceWaitsForTheSharedNetwork() throws Exception {
    Path model = Fixtures.ownModel();
    ModelSpec spec = new ModelSpec("own", ModelKind.EDSR, 3, ModelSpec.sha256Of(model));
    SuperResNet net = SuperResNet.load(spec, model, Device.CPU, Precision.FP32);
    JobSettings settings =
        JobSettings.from(ConfigLoader.load(null, java.util.List.of("tiling.tile=0")));
    Path in = tmp.resolve("scan.png");
    Files.write(in, Images.encode(SampleImages.scene(48, 32, 1), ".png"));
    PlannedInput input =
        PlannedInput.process(
            new InputFile(in.toUri().toString(), "scan.png", Files.size(in), 0L),
            tmp.resolve("out/scan.png").toUri().toString());
    ImagePipeline pipeline = new ImagePipeline(settings, spec, () -> net, new Configuration());

    ExecutorService pool = Executors.newFixedThreadPool(3);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      // Task A: an inference in progress (holds the network's monitor, as upsample does).
      Future<?> a =
          pool.submit(
              () -> {
                synchronized (net) {
                  holding.countDown();
                  release.await();
                }
                return null;
              });
      assertTrue(holding.await(1, TimeUnit.MINUTES));
      Thread[] bThread = new Thread[1];
      Future<ManifestRow> b =
          pool.submit(
              () -> {
                bThread[0] = Thread.currentThread();
                return pipeline.process(input, new ImagePipeline.Origin("r", "1", "h", 0, "t1"));
              });
      // Task C: decode and encode of another image complete while A holds the network.
      Future<Integer> c =
          pool.submit(
              () -> {
                ImageCodec codec = new ImageCodec(settings.limits);
                DecodedImage img =
                    codec.decode(Images.encode(SampleImages.scene(64, 64, 2), ".jpg"));
                return codec.encode(img.pixels, ImageFormat.PNG, 90, ImageMetadata.NONE).length;
              });
      assertTrue(c.get(1, TimeUnit.MINUTES) > 0, "codec work is not behind the network's lock");

      ThreadInfo blocked = waitUntilBlockedOnNet(bThread, 60);
      assertNotNull(blocked, "task B reached the network (read and decode done) and waits for it");
      assertTrue(
          blocked.getStackTrace()[0].getMethodName().startsWith("upsample"), blocked.toString());

      release.countDown();
      a.get(1, TimeUnit.MINUTES);
      ManifestRow row = b.get(2, TimeUnit.MINUTES);
      assertEquals(ManifestRow.OK, row.status, row.error);
      assertEquals(144, row.outputWidth);
    } finally {
      release.countDown();
      pool.shutdownNow();
      net.close();
    }
  }

  /**
   * The thread's info once it is blocked on a SuperResNet's monitor, or null after the given
   * seconds.
   */
  private static ThreadInfo waitUntilBlockedOnNet(Thread[] t, int seconds)
      throws InterruptedException {
    for (int i = 0; i < seconds * 20; i++) {
      if (t[0] != null && t[0].getState() == Thread.State.BLOCKED) {
        ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(t[0].getId(), 5);
        if (info != null
            && info.getLockName() != null
            && info.getLockName().startsWith(SuperResNet.class.getName())) {
          return info;
        }
      }
      Thread.sleep(50);
    }
    return null;
  }
}
