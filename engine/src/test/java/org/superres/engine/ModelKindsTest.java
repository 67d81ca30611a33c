package org.superres.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_dnn_superres.DnnSuperResImpl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.superres.testing.Fixtures;
import org.superres.testing.Images;

/**
 * Every model kind loads and upsamples; untiled is DnnSuperResImpl itself; tiling costs under 50 dB
 * nothing.
 */
class ModelKindsTest {

  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("edsr", 3, "bundled:superres-edsr-x3.pb"),
        Arguments.of("espcn", 3, "ESPCN_x3.pb"),
        Arguments.of("fsrcnn", 3, "FSRCNN_x3.pb"),
        Arguments.of("fsrcnn", 3, "FSRCNN-small_x3.pb"),
        Arguments.of("lapsrn", 2, "LapSRN_x2.pb"));
  }

  static Path modelFile(String ref) {
    if (ref.startsWith("bundled:")) {
      Path p = Fixtures.repoRoot().resolve("models").resolve(ref.substring(8));
      org.junit.jupiter.api.Assumptions.assumeTrue(
          Files.exists(p), "skipped: " + p + " not built yet");
      return p;
    }
    return Fixtures.thirdPartyModel(ref);
  }

  static SuperResNet load(String kind, int scale, Path file) {
    ModelSpec spec =
        new ModelSpec(
            file.getFileName().toString(), ModelKind.parse(kind), scale, ModelSpec.sha256Of(file));
    return SuperResNet.load(spec, file, Device.CPU, Precision.FP32);
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("models")
  void untiledOutputIsExactlyDnnSuperResImplUpsample(String kind, int scale, String ref) {
    Path file = modelFile(ref);
    Mat img = Images.scene(97, 61);
    try (SuperResNet net = load(kind, scale, file)) {
      Mat ours = new Enhancer(net, new TiledUpscaler(0, 0)).enhance(img).image;
      DnnSuperResImpl plain = new DnnSuperResImpl();
      plain.readModel(file.toString());
      plain.setModel(kind, scale);
      Mat reference = new Mat();
      plain.upsample(img, reference);
      assertEquals(97 * scale, ours.cols());
      assertEquals(61 * scale, ours.rows());
      assertTrue(
          Images.identical(reference, ours),
          "untiled output differs from DnnSuperResImpl.upsample");
    }
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("models")
  void tiledOutputIsWithin50dBOfUntiled(String kind, int scale, String ref) {
    Path file = modelFile(ref);
    Mat img = Images.scene(150, 110);
    try (SuperResNet net = load(kind, scale, file)) {
      Mat whole = new Enhancer(net, new TiledUpscaler(0, 0)).enhance(img).image;
      TiledUpscaler.Result tiled = new Enhancer(net, new TiledUpscaler(48, 16)).enhance(img);
      assertEquals(4 * 3, tiled.tiles, "150x110 in 48-pixel tiles");
      double psnr = Images.psnr(whole, tiled.image);
      assertTrue(psnr >= 50, "tiled vs untiled PSNR " + psnr + " dB < 50 dB for " + ref);
    }
  }
}
