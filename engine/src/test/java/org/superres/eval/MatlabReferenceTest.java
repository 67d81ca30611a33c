package org.superres.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.superres.testing.Fixtures;

/** Against MATLAB-made data in ../shared: the x3 LR images and the published bicubic scores. */
class MatlabReferenceTest {

  @Test
  void downscaleMatchesMatlabLrImagesSet5() {
    compareWithMatlab("Set5");
  }

  @Test
  void downscaleMatchesMatlabLrImagesSet14() {
    compareWithMatlab("Set14");
  }

  private static void compareWithMatlab(String set) {
    Path x3 = Fixtures.evalSet(set).resolve("x3");
    int maxDiff = 0;
    long differing = 0;
    long total = 0;
    for (int i = 1;
        Files.exists(x3.resolve(String.format(Locale.ROOT, "img_%03d_SRF_3_HR.png", i)));
        i++) {
      Mat hr =
          Images.modcrop(
              Images.readBgr(x3.resolve(String.format(Locale.ROOT, "img_%03d_SRF_3_HR.png", i))),
              3);
      Mat ref = Images.readBgr(x3.resolve(String.format(Locale.ROOT, "img_%03d_SRF_3_LR.png", i)));
      Mat mine = Images.downscale(hr, 3);
      assertEquals(ref.rows(), mine.rows());
      assertEquals(ref.cols(), mine.cols());
      double[] a = Images.toDoubles(mine);
      double[] b = Images.toDoubles(ref);
      for (int k = 0; k < a.length; k++) {
        int d = (int) Math.abs(a[k] - b[k]);
        maxDiff = Math.max(maxDiff, d);
        differing += d > 0 ? 1 : 0;
        total++;
      }
    }
    double identical = 1.0 - (double) differing / total;
    System.out.printf(
        Locale.ROOT,
        "%s x3 downscale vs MATLAB LR: max abs diff %d, %.2f%% of samples identical%n",
        set,
        maxDiff,
        100 * identical);
    assertTrue(total > 0, "no x3 pairs found in " + x3);
    assertEquals(0, maxDiff, "max abs diff vs MATLAB");
  }

  private static EvalReport bicubic(String set) throws Exception {
    Path dir = Fixtures.evalSet(set);
    EvalReport r = new Evaluator(3).evaluate(dir, "bicubic", "none", lr -> Images.upscale(lr, 3));
    System.out.print(r.toTable());
    return r;
  }

  @Test
  void bicubicSet5MatchesPublished() throws Exception {
    EvalReport r = bicubic("Set5");
    assertEquals(30.39, r.bicubic.meanPsnr, 0.05);
    assertEquals(0.8682, r.bicubic.meanSsim, 0.002);
    assertEquals(5, r.images.size());
  }

  @Test
  void bicubicSet14MatchesPublished() throws Exception {
    EvalReport r = bicubic("Set14");
    assertEquals(27.55, r.bicubic.meanPsnr, 0.10);
    assertEquals(0.7742, r.bicubic.meanSsim, 0.003);
    assertEquals(14, r.images.size());
  }
}
