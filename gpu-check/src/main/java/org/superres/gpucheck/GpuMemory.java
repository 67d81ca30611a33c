package org.superres.gpucheck;

import org.bytedeco.opencv.opencv_core.DeviceInfo;
import org.superres.engine.Device;

/**
 * Device memory in use (cudaMemGetInfo: total minus free), in MiB. It counts every process on the
 * GPU, so the check's figures are differences taken while it is alone there.
 */
final class GpuMemory {
  private GpuMemory() {}

  /** MiB in use on the device; null for the CPU. */
  static Double usedMib(Device device) {
    if (!device.isCuda()) {
      return null;
    }
    DeviceInfo info = new DeviceInfo(device.cudaIndex());
    return (info.totalMemory() - info.freeMemory()) / (1024.0 * 1024.0);
  }

  static Double difference(Double after, Double before) {
    return after == null || before == null ? null : after - before;
  }
}
