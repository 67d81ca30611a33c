package org.superres.engine;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2YCrCb;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_YCrCb2BGR;

import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.bytedeco.opencv.opencv_dnn_superres.DnnSuperResImpl;

/**
 * One loaded super-resolution network on one device. 8-bit images go through {@code
 * DnnSuperResImpl.upsample} unchanged; deeper images go through the same graph in float (loaded on
 * first need), since upsample always returns 8 bits. An OpenCV net is not thread-safe, so every
 * call into it is serialized here; callers decode, encode and write in parallel around it.
 */
public final class SuperResNet implements AutoCloseable {
  private static final Scalar DIV2K_MEAN = Div2kMean.bgr();

  private final ModelSpec spec;
  private final Path file;
  private final Device device;
  private final Precision precision;
  private final DnnSuperResImpl impl;
  private final long loadMillis;
  private Net floatNet;

  /**
   * The model file's bytes, kept until the float graph is built: the file may be gone by then (a
   * SparkContext's userFiles directory is deleted when it stops, while this JVM-wide net lives on).
   */
  private byte[] modelBytes;

  private final java.util.concurrent.atomic.AtomicLong forwards =
      new java.util.concurrent.atomic.AtomicLong();

  private SuperResNet(ModelSpec spec, Path file, Device device, Precision precision) {
    this.spec = spec;
    this.file = file;
    this.device = device;
    this.precision = precision;
    long t0 = System.nanoTime();
    selectCudaDevice();
    this.impl = new DnnSuperResImpl();
    try {
      modelBytes = java.nio.file.Files.readAllBytes(file);
      impl.readModel(file.toString());
      impl.setModel(spec.kind().opencvName(), spec.scale());
      DnnTarget.of(device, precision)
          .applyTo(impl::setPreferableBackend, impl::setPreferableTarget);
    } catch (java.io.IOException | RuntimeException e) {
      impl.close();
      throw new EngineException(
          FailureKind.MODEL,
          "cannot load model "
              + spec.name()
              + " from "
              + file
              + " as "
              + spec.kind().opencvName()
              + " x"
              + spec.scale()
              + ": "
              + e.getMessage(),
          e);
    }
    this.loadMillis = (System.nanoTime() - t0) / 1_000_000;
  }

  /**
   * Reads the model file and prepares it for the device. The caller owns the result (see
   * ModelCache).
   */
  public static SuperResNet load(ModelSpec spec, Path file, Device device, Precision precision) {
    DeviceSelector.ensureNativesLoaded();
    return new SuperResNet(spec, file, device, precision);
  }

  public ModelSpec spec() {
    return spec;
  }

  public Device device() {
    return device;
  }

  public long loadMillis() {
    return loadMillis;
  }

  /**
   * Forward passes run so far, the warm-up included (tests check the warm-up ran once, before the
   * images).
   */
  public long forwards() {
    return forwards.get();
  }

  /** Exactly DnnSuperResImpl.upsample: 8-bit BGR in, 8-bit BGR out, scale times larger. */
  public synchronized Mat upsample(Mat bgr8) {
    forwards.incrementAndGet();
    selectCudaDevice();
    Mat out = new Mat();
    impl.upsample(bgr8, out);
    return out;
  }

  /**
   * The same network on float BGR in 0..255 (fractions kept), returning float BGR in 0..255: the
   * pre- and post-processing of DnnSuperResImpl for the model's kind, without its final rounding to
   * 8 bits.
   */
  public synchronized Mat upsampleFloat(Mat bgrFloat) {
    forwards.incrementAndGet();
    selectCudaDevice();
    Net net = floatNet();
    if (!spec.kind().lumaOnly()) {
      Mat blob =
          opencv_dnn.blobFromImage(bgrFloat, 1.0, new Size(), DIV2K_MEAN, false, false, CV_32F);
      net.setInput(blob);
      Mat out = firstImage(net.forward());
      Mat result = new Mat();
      opencv_core.add(out, new Mat(out.size(), out.type(), DIV2K_MEAN), result);
      return result;
    }
    Mat unit = new Mat();
    bgrFloat.convertTo(unit, CV_32F, 1.0 / 255.0, 0);
    Mat ycrcb = new Mat();
    opencv_imgproc.cvtColor(unit, ycrcb, COLOR_BGR2YCrCb);
    MatVector planes = new MatVector();
    opencv_core.split(ycrcb, planes);
    net.setInput(opencv_dnn.blobFromImage(planes.get(0)));
    Mat y = firstImage(net.forward());
    Mat cr = new Mat();
    Mat cb = new Mat();
    opencv_imgproc.resize(
        planes.get(1), cr, new Size(), spec.scale(), spec.scale(), opencv_imgproc.INTER_LINEAR);
    opencv_imgproc.resize(
        planes.get(2), cb, new Size(), spec.scale(), spec.scale(), opencv_imgproc.INTER_LINEAR);
    Mat merged = new Mat();
    opencv_core.merge(new MatVector(y, cr, cb), merged);
    Mat bgr = new Mat();
    opencv_imgproc.cvtColor(merged, bgr, COLOR_YCrCb2BGR);
    Mat result = new Mat();
    bgr.convertTo(result, CV_32F, 255.0, 0);
    return result;
  }

  /**
   * One forward pass on a small image, so that lazy set-up (on CUDA: context, cuDNN, kernels) is
   * paid once at load and not by the first real image. Returns its wall time in milliseconds.
   */
  public long warmUp() {
    long t0 = System.nanoTime();
    Mat probe = new Mat(32, 32, opencv_core.CV_8UC3, new Scalar(128, 128, 128, 0));
    upsample(probe);
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static Mat firstImage(Mat blob) {
    MatVector images = new MatVector();
    opencv_dnn.imagesFromBlob(blob, images);
    return images.get(0);
  }

  private Net floatNet() {
    if (floatNet == null) {
      // The DnnSuperResImpl created above has registered the DepthToSpace layer this reader needs.
      try (BytePointer buffer = new BytePointer(modelBytes)) {
        floatNet = opencv_dnn.readNetFromTensorflow(buffer, modelBytes.length);
      }
      modelBytes = null;
      DnnTarget.of(device, precision).applyTo(floatNet);
    }
    return floatNet;
  }

  /** CUDA's current device is per thread, and Spark tasks run on many threads. */
  private void selectCudaDevice() {
    if (device.isCuda()) {
      opencv_core.setDevice(device.cudaIndex());
    }
  }

  @Override
  public synchronized void close() {
    impl.close();
    if (floatNet != null) {
      floatNet.close();
    }
  }
}
