package org.superres.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * PSNR/SSIM of a super-resolution model against MATLAB bicubic on a benchmark folder ({@code
 * <dir>/HR/*.png}).
 *
 * <p>For every HR image: crop to a multiple of {@code scale}, make the LR input with MATLAB bicubic
 * downscaling, run the model (8-bit BGR LR in, 8-bit BGR x{@code scale} out) and MATLAB bicubic
 * upscaling, and score both on Y with {@code scale} border pixels shaved. Grayscale files (Set14's
 * bridge) are read as three equal channels for the model and scored on their gray values, as the
 * usual MATLAB scripts do for single-channel images.
 */
public final class Evaluator {

  private final int scale;

  public Evaluator(int scale) {
    if (scale < 1) {
      throw new IllegalArgumentException("scale must be >= 1, got " + scale);
    }
    this.scale = scale;
  }

  /** The HR images of a dataset folder, sorted by name. */
  public static List<Path> hrImages(Path datasetDir) throws IOException {
    Path hr = datasetDir.resolve("HR");
    if (!Files.isDirectory(hr)) {
      throw new IllegalArgumentException(
          "no HR folder in dataset " + datasetDir + " (expected " + hr + ")");
    }
    try (Stream<Path> s = Files.list(hr)) {
      List<Path> files =
          s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
              .sorted()
              .collect(Collectors.toList());
      if (files.isEmpty()) {
        throw new IllegalArgumentException("no *.png images in " + hr);
      }
      return files;
    }
  }

  /** Evaluates {@code model} on every HR image of {@code datasetDir}. */
  public EvalReport evaluate(
      Path datasetDir, String modelName, String modelSha256, UnaryOperator<Mat> model)
      throws IOException {
    List<EvalReport.ImageScore> scores = new ArrayList<>();
    double sp = 0;
    double ss = 0;
    double bp = 0;
    double bs = 0;
    for (Path file : hrImages(datasetDir)) {
      Mat hr = Images.modcrop(Images.readBgr(file), scale);
      Mat lr = Images.downscale(hr, scale);
      Mat sr = model.apply(lr);
      if (sr == null || sr.rows() != hr.rows() || sr.cols() != hr.cols() || sr.channels() != 3) {
        throw new IllegalStateException(
            "model output for "
                + file.getFileName()
                + " is "
                + (sr == null ? "null" : sr.cols() + "x" + sr.rows() + "x" + sr.channels())
                + ", expected "
                + hr.cols()
                + "x"
                + hr.rows()
                + "x3");
      }
      Mat bic = Images.upscale(lr, scale);
      boolean gray = Images.isGrayscaleFile(file);
      double[] m = Metrics.psnrSsimY(hr, sr, scale, gray);
      double[] b = Metrics.psnrSsimY(hr, bic, scale, gray);
      String name = file.getFileName().toString();
      name = name.substring(0, name.lastIndexOf('.'));
      scores.add(new EvalReport.ImageScore(name, m[0], m[1], b[0], b[1]));
      sp += m[0];
      ss += m[1];
      bp += b[0];
      bs += b[1];
    }
    int n = scores.size();
    String dataset = datasetDir.toAbsolutePath().normalize().getFileName().toString();
    return new EvalReport(
        dataset,
        scale,
        new EvalReport.ModelSummary(modelName, modelSha256, sp / n, ss / n),
        new EvalReport.BicubicSummary(bp / n, bs / n),
        scores);
  }
}
