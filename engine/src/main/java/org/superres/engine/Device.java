package org.superres.engine;

import java.io.Serializable;

/**
 * A resolved inference device: the CPU, or one CUDA device by index. Prints as the manifest's
 * device column.
 */
public final class Device implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final Device CPU = new Device(Backend.CPU, -1);

  private final Backend backend;
  private final int cudaIndex;

  private Device(Backend backend, int cudaIndex) {
    this.backend = backend;
    this.cudaIndex = cudaIndex;
  }

  public static Device cuda(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("CUDA device index must be >= 0, got " + index);
    }
    return new Device(Backend.CUDA, index);
  }

  public boolean isCuda() {
    return backend == Backend.CUDA;
  }

  public int cudaIndex() {
    return cudaIndex;
  }

  @Override
  public String toString() {
    return isCuda() ? "cuda:" + cudaIndex : "cpu";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Device
        && ((Device) o).backend == backend
        && ((Device) o).cudaIndex == cudaIndex;
  }

  @Override
  public int hashCode() {
    return backend.hashCode() * 31 + cudaIndex;
  }
}
