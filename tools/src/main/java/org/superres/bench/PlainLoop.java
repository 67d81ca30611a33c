package org.superres.bench;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_COMPRESSION;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_dnn_superres.DnnSuperResImpl;
import org.superres.engine.DeviceSelector;

/**
 * The baselines, with no superres code in the way: read, imdecode, DnnSuperResImpl.upsample,
 * imencode (PNG, the job's settings), write, one image after the other. "raw" loads the model once;
 * "per-image load" loads it for every image, as a single-image web service does.
 */
final class PlainLoop implements AutoCloseable {
  private final BenchModel model;
  private final boolean loadPerImage;
  private final DnnSuperResImpl loaded;

  PlainLoop(BenchModel model, boolean loadPerImage) {
    DeviceSelector.ensureNativesLoaded();
    this.model = model;
    this.loadPerImage = loadPerImage;
    // Loaded up front, untimed: "raw" is the model-once baseline, as the job's executor cache is.
    this.loaded = loadPerImage ? null : load();
    if (loaded != null) {
      // And warmed like the job's model cache does: one small forward.
      Mat probe =
          new Mat(
              32,
              32,
              opencv_core.CV_8UC3,
              new org.bytedeco.opencv.opencv_core.Scalar(128, 128, 128, 0));
      Mat out = new Mat();
      loaded.upsample(probe, out);
      out.close();
      probe.close();
    }
  }

  /** One pass over {@code inputs}, outputs written into {@code outDir}. */
  PassResult run(List<Path> inputs, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    StageTimes st = new StageTimes();
    long pixels = 0;
    long start = System.nanoTime();
    for (Path in : inputs) {
      long t = System.nanoTime();
      DnnSuperResImpl sr = loadPerImage ? load() : loaded;
      t = st.lap("load", t);
      byte[] bytes = Files.readAllBytes(in);
      t = st.lap("read", t);
      Mat buf = new Mat(1, bytes.length, opencv_core.CV_8UC1);
      buf.data().put(bytes);
      Mat img = opencv_imgcodecs.imdecode(buf, IMREAD_UNCHANGED);
      pixels += (long) img.cols() * img.rows();
      t = st.lap("decode", t);
      Mat up = new Mat();
      sr.upsample(img, up);
      t = st.lap("infer", t);
      BytePointer out = new BytePointer();
      if (!opencv_imgcodecs.imencode(".png", up, out, new IntPointer(IMWRITE_PNG_COMPRESSION, 3))) {
        throw new IllegalStateException("imencode failed for " + in);
      }
      byte[] encoded = new byte[(int) out.limit()];
      out.get(encoded);
      t = st.lap("encode", t);
      Files.write(outDir.resolve(in.getFileName()), encoded);
      st.lap("write", t);
      out.close();
      up.close();
      img.close();
      buf.close();
      if (loadPerImage) sr.close();
    }
    return new PassResult(
        inputs.size(), pixels, (System.nanoTime() - start) / 1e9, st.perImage(inputs.size()));
  }

  private DnnSuperResImpl load() {
    DnnSuperResImpl sr = new DnnSuperResImpl();
    sr.readModel(model.file.toString());
    sr.setModel(model.spec.kind().opencvName(), model.spec.scale());
    return sr;
  }

  @Override
  public void close() {
    if (loaded != null) loaded.close();
  }
}
