package org.superres.train;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerSmokeTest {

  @Test
  void tinyModelTrainsExportsAndLoadsInOpenCv(@TempDir Path tmp) throws Exception {
    Trainer.Config cfg = new Trainer.Config();
    cfg.blocks = 1;
    cfg.feats = 8;
    cfg.batch = 2;
    cfg.patch = 16;
    cfg.steps = 5;
    cfg.warmup = 2;
    cfg.threads = 1;
    cfg.runDir = tmp.resolve("run");
    Random r = new Random(5);
    PatchSource.Batch b =
        new PatchSource.Batch(new float[2 * 16 * 16 * 3], new float[2 * 48 * 48 * 3]);
    for (int i = 0; i < b.lr.length; i++) {
      b.lr[i] = r.nextFloat() * 100 - 50;
    }
    for (int i = 0; i < b.hr.length; i++) {
      b.hr[i] = b.lr[((i / 3) / 48 / 3 * 16 + (i / 3) % 48 / 3) * 3 % b.lr.length + i % 3];
    }
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    float first;
    float last = 0;
    try (Trainer t = new Trainer(cfg, quiet)) {
      t.initOrRestore();
      first = t.trainStep(b);
      for (int i = 0; i < 4; i++) {
        last = t.trainStep(b);
      }
      assertEquals(5, t.step());
      assertTrue(Float.isFinite(first) && Float.isFinite(last));
      assertTrue(last < first, "loss did not go down: " + first + " -> " + last);
      t.checkpoint();
      Path pb = tmp.resolve("tiny.pb");
      Exporter.write(t.exportFrozen(), pb);
      assertTrue(Files.size(pb) > 1000);
      try (OpenCvSr sr = new OpenCvSr(pb, "edsr", 3)) {
        Mat lr = new Mat(20, 30, CV_8UC3);
        Mat out = sr.apply(lr);
        assertEquals(60, out.rows());
        assertEquals(90, out.cols());
        assertEquals(3, out.channels());
      }
    }
    // resume picks up the step count from the checkpoint
    try (Trainer t = new Trainer(cfg, quiet)) {
      t.initOrRestore();
      assertEquals(5, t.step());
    }
  }

  @Test
  void learningRateWarmsUpThenDecays() {
    Trainer.Config cfg = new Trainer.Config();
    cfg.steps = 1000;
    cfg.warmup = 100;
    cfg.lr = 1e-3;
    cfg.lrMin = 1e-6;
    cfg.blocks = 1;
    cfg.feats = 4;
    try (Trainer t = new Trainer(cfg, new PrintStream(new ByteArrayOutputStream()))) {
      assertEquals(1e-5, t.learningRate(0), 1e-12);
      assertEquals(1e-3, t.learningRate(99), 1e-12);
      assertEquals(1e-3, t.learningRate(100), 1e-12);
      assertEquals((1e-3 + 1e-6) / 2, t.learningRate(550), 1e-9);
      assertEquals(1e-6, t.learningRate(1000), 1e-12);
    }
  }

  @Test
  void flipsAndRotationsKeepLrAndHrAligned() {
    // LR 4x4 with distinct values; HR is its 3x nearest-neighbour enlargement, so every transform
    // must keep
    // HR == nearest-neighbour enlargement of the transformed LR.
    int p = 4;
    int s = 3;
    byte[] lr = new byte[p * p * 3];
    for (int i = 0; i < lr.length; i++) {
      lr[i] = (byte) (i * 5);
    }
    byte[] hr = new byte[p * s * p * s * 3];
    for (int y = 0; y < p * s; y++) {
      for (int x = 0; x < p * s; x++) {
        for (int c = 0; c < 3; c++) {
          hr[(y * p * s + x) * 3 + c] = lr[((y / s) * p + x / s) * 3 + c];
        }
      }
    }
    for (int t = 0; t < 8; t++) {
      float[] l = new float[p * p * 3];
      float[] h = new float[p * s * p * s * 3];
      PatchSource.copyPatch(lr, p, 0, 0, p, t, l, 0);
      PatchSource.copyPatch(hr, p * s, 0, 0, p * s, t, h, 0);
      for (int y = 0; y < p * s; y++) {
        for (int x = 0; x < p * s; x++) {
          for (int c = 0; c < 3; c++) {
            assertEquals(
                l[((y / s) * p + x / s) * 3 + c], h[(y * p * s + x) * 3 + c], 0, "transform " + t);
          }
        }
      }
    }
  }
}
