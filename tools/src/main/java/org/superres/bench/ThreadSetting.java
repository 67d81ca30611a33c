package org.superres.bench;

import org.bytedeco.opencv.global.opencv_core;
import org.superres.engine.DeviceSelector;

/** OpenCV's inference threads for this JVM, as device.threads means them (0 = OpenCV's default). */
final class ThreadSetting {
  private ThreadSetting() {}

  static void apply(int threads) {
    DeviceSelector.ensureNativesLoaded();
    // OpenCV: n > 0 threads; n < 0 resets to its default (all cores). 0 would mean "no threading".
    opencv_core.setNumThreads(threads > 0 ? threads : -1);
  }
}
