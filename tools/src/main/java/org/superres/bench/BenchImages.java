package org.superres.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.superres.engine.DeviceSelector;
import org.superres.samples.SampleImages;

/**
 * Deterministic photo-like PNG inputs (SampleImages.scene), so every run and every mode sees the
 * same pixels.
 */
final class BenchImages {
  private BenchImages() {}

  /** Writes {@code count} size x size images into {@code dir} (created) and returns their paths. */
  static List<Path> write(Path dir, int size, int count, long seed) throws java.io.IOException {
    DeviceSelector.ensureNativesLoaded();
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path p = dir.resolve(String.format("scene-%d-%02d.png", size, i));
      if (!Files.isRegularFile(p)) {
        Mat m = SampleImages.scene(size, size, seed + i);
        if (!opencv_imgcodecs.imwrite(p.toString(), m)) {
          throw new IllegalStateException("cannot write bench image " + p);
        }
        m.close();
      }
      files.add(p);
    }
    return files;
  }
}
