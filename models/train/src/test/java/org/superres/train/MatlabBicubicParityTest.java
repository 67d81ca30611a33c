package org.superres.train;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.eval.Images;
import org.superres.eval.MatlabImresize;

/**
 * The trainer's numpy MATLAB bicubic (edsr_train.imresize) gives exactly what the evaluation's Java
 * one (org.superres.eval.MatlabImresize, itself equal to MATLAB's x3 LR images) gives: the x3 LR of
 * modcropped images, the x0.8/x0.6 training-set rescales and the x3 bicubic baseline, on synthetic
 * images and, where ../shared is beside the repo, on the first training images of each set.
 */
class MatlabBicubicParityTest {

  static final Path TRAIN =
      PythonTrainer.MODULE_DIR.resolve("../../../shared/datasets/train").normalize();

  @Test
  void numpyPortEqualsTheJavaPort(@TempDir Path tmp) throws Exception {
    PythonTrainer.assumeAvailable();
    List<Mat> images =
        new ArrayList<>(List.of(TestImages.pattern(47, 61, 1), TestImages.pattern(100, 77, 2)));
    if (Files.isDirectory(TRAIN)) {
      for (String set : new String[] {"BSDS200", "BSDS500_test200", "T91"}) {
        try (Stream<Path> s = Files.list(TRAIN.resolve(set))) {
          for (Path f : s.sorted().limit(2).collect(Collectors.toList())) {
            images.add(Images.readBgr(f));
          }
        }
      }
    } else {
      System.out.println("../shared/datasets/train not found: synthetic images only");
    }
    long samples =
        compare(tmp, "1/3", images, m -> Images.modcrop(m, 3), m -> Images.downscale(m, 3));
    samples += compare(tmp, "0.8", images, m -> m, m -> rescale(m, 0.8));
    samples += compare(tmp, "0.6", images, m -> m, m -> rescale(m, 0.6));
    samples +=
        compare(
            tmp,
            "3",
            images.subList(0, Math.min(3, images.size())),
            m -> m,
            m -> Images.upscale(m, 3));
    System.out.printf(
        "MATLAB bicubic, numpy vs Java: %d images, %d output samples, max abs diff 0%n",
        images.size(), samples);
  }

  /**
   * Resizes every (prepared) image in Java and in Python; asserts identical bytes; returns the
   * samples compared.
   */
  private static long compare(
      Path tmp, String scale, List<Mat> images, UnaryOperator<Mat> prepare, UnaryOperator<Mat> java)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("imresize", "--scale", scale));
    List<Mat> inputs = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      Mat in = prepare.apply(images.get(i));
      Path src = tmp.resolve("in" + i + ".png");
      assertTrue(imwrite(src.toString(), in));
      inputs.add(in);
      args.add(src.toString());
      args.add(tmp.resolve("out" + i + ".png").toString());
    }
    PythonTrainer.run(args.toArray(new String[0]));
    long samples = 0;
    for (int i = 0; i < inputs.size(); i++) {
      Mat expected = java.apply(inputs.get(i));
      Mat actual = imread(tmp.resolve("out" + i + ".png").toString(), IMREAD_COLOR);
      assertEquals(expected.rows(), actual.rows(), "rows, image " + i + ", scale " + scale);
      assertEquals(expected.cols(), actual.cols(), "cols, image " + i + ", scale " + scale);
      assertArrayEquals(
          TestImages.bytes(expected), TestImages.bytes(actual), "image " + i + ", scale " + scale);
      samples += TestImages.bytes(expected).length;
    }
    return samples;
  }

  private static Mat rescale(Mat m, double s) {
    int oh = MatlabImresize.outputLength(m.rows(), s);
    int ow = MatlabImresize.outputLength(m.cols(), s);
    return Images.fromDoubles(
        MatlabImresize.resize(Images.toDoubles(m), m.rows(), m.cols(), 3, oh, ow, s, s, true),
        oh,
        ow);
  }
}
