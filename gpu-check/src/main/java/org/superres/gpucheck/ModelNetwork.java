package org.superres.gpucheck;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.superres.engine.Device;
import org.superres.engine.ModelKind;
import org.superres.engine.ModelSpec;
import org.superres.engine.Precision;
import org.superres.engine.SuperResNet;

/** A super-resolution model file, run through the engine's own SuperResNet (as the job runs it). */
final class ModelNetwork implements Network {
  static final String BUNDLED = "superres-edsr-x3.pb";

  private final ModelSpec spec;
  private final Path file;
  private final double flopsPerInputPixel;

  private ModelNetwork(ModelSpec spec, Path file) {
    this.spec = spec;
    this.file = file;
    this.flopsPerInputPixel = countFlops();
  }

  /** A model file; kind and scale from its name (FSRCNN_x3.pb) unless given. */
  static ModelNetwork of(Path file, ModelKind kind, Integer scale) {
    String fileName = file.getFileName().toString();
    ModelKind k = kind != null ? kind : ModelKind.fromFileName(fileName);
    Integer s = scale;
    Matcher m = Pattern.compile("x(\\d)").matcher(fileName.toLowerCase(Locale.ROOT));
    if (s == null && m.find()) {
      s = Integer.parseInt(m.group(1));
    }
    if (k == null || s == null) {
      throw new IllegalArgumentException(
          "cannot tell the kind and scale of " + fileName + ": give --kind and --scale");
    }
    return new ModelNetwork(new ModelSpec(fileName, k, s, ModelSpec.sha256Of(file)), file);
  }

  /** The project's model, copied out of the jar into work; null when this jar has none. */
  static ModelNetwork bundled(Path work) {
    try (InputStream in = ModelNetwork.class.getResourceAsStream("/superres/models/" + BUNDLED)) {
      if (in == null) {
        return null;
      }
      Files.createDirectories(work);
      Path file = work.resolve(BUNDLED);
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return of(file, null, null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the bundled model to " + work, e);
    }
  }

  ModelSpec spec() {
    return spec;
  }

  Path file() {
    return file;
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public double flopsPerInputPixel() {
    return flopsPerInputPixel;
  }

  @Override
  public double outputPeak() {
    return 255;
  }

  @Override
  public int cpuTile() {
    return 96;
  }

  @Override
  public Run open(Device device, Precision precision) {
    SuperResNet net = SuperResNet.load(spec, file, device, precision);
    return new Run() {
      @Override
      public Mat forward(Mat bgr8) {
        return net.upsample(bgr8);
      }

      @Override
      public void close() {
        net.close();
      }
    };
  }

  /**
   * OpenCV's own count for the graph on a 64x64 input, per pixel; NaN when OpenCV cannot count it.
   * A CPU SuperResNet is loaded first: it registers the DepthToSpace layer that reading the graph
   * needs, and a file that is no model fails here, before anything is measured.
   */
  private double countFlops() {
    try (SuperResNet registers = SuperResNet.load(spec, file, Device.CPU, Precision.FP32)) {
      int side = 64;
      int[] shape = {1, spec.kind().lumaOnly() ? 1 : 3, side, side};
      Net net = opencv_dnn.readNetFromTensorflow(file.toString());
      try {
        return net.getFLOPS(new IntPointer(shape)) / (side * side);
      } catch (RuntimeException e) {
        return Double.NaN;
      } finally {
        net.close();
      }
    }
  }
}
