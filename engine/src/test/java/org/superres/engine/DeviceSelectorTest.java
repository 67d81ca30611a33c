package org.superres.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Backend selection on this CPU build with the GPU addresses Spark would assign (fake ones: there
 * is no GPU here), the selection rule on given device counts, and the error texts for missing
 * natives.
 */
class DeviceSelectorTest {
  /**
   * What JavaCPP reported for the GPU jar on a node without cuDNN (measured here: CUDA 13 runtime,
   * no cuDNN).
   */
  static final String MISSING_CUDNN =
      "/root/.javacpp/cache/superres-job-0.1.0-SNAPSHOT-gpu.jar/org/bytedeco/"
          + "opencv/linux-x86_64-gpu/libjniopencv_dnn.so: libcudnn.so.9: cannot open shared object file: No such file"
          + " or directory";

  @Test
  void thisIsTheCpuBuildWithNoCudaDevice() {
    assertFalse(
        DeviceSelector.isGpuBuild(),
        "the test classpath carries the CPU natives (opencv-platform)");
    DeviceSelector.ensureNativesLoaded();
    assertEquals(0, DeviceSelector.cudaDeviceCount());
  }

  @Test
  void autoWithFakeGpuAddressesFallsBackToCpuAndSaysWhyOncePerChoice() {
    List<String> logged = new ArrayList<>();
    Logger log = Logger.getLogger(DeviceSelector.class.getName());
    Handler h =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            logged.add(r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    log.addHandler(h);
    try {
      // An address no other test uses, so that this JVM has not logged this choice yet.
      for (int task = 0; task < 3; task++) {
        assertEquals(Device.CPU, DeviceSelector.select(Backend.AUTO, "7"));
      }
      assertEquals(Device.CPU, DeviceSelector.select(Backend.AUTO, "6"));
    } finally {
      log.removeHandler(h);
    }
    assertEquals(2, logged.size(), "one line per distinct choice, not per task: " + logged);
    assertTrue(logged.get(0).contains("Spark assigned GPU 7"), logged.get(0));
    assertTrue(logged.get(0).contains("CPU build of OpenCV (no CUDA); using cpu"), logged.get(0));
    assertTrue(logged.get(1).contains("Spark assigned GPU 6"), logged.get(1));
  }

  @Test
  void cudaOnTheCpuBuildFailsClearlyWithOrWithoutAnAssignedGpu() {
    for (String address : new String[] {"0", "1", null}) {
      EngineException e =
          assertThrows(EngineException.class, () -> DeviceSelector.select(Backend.CUDA, address));
      assertEquals(FailureKind.DEVICE, e.kind());
      assertTrue(
          e.getMessage().startsWith("device.backend=cuda but no usable CUDA device"),
          e.getMessage());
      assertTrue(e.getMessage().contains("CPU build"), e.getMessage());
      assertTrue(e.getMessage().contains("set device.backend=auto or cpu"), e.getMessage());
    }
    EngineException e =
        assertThrows(EngineException.class, () -> DeviceSelector.checkBuildSupports(Backend.CUDA));
    assertTrue(e.getMessage().contains("this is the CPU jar"), e.getMessage());
    DeviceSelector.checkBuildSupports(Backend.AUTO);
    DeviceSelector.checkBuildSupports(Backend.CPU);
  }

  @Test
  void cpuIsCpuWhateverSparkAssigned() {
    assertEquals(Device.CPU, DeviceSelector.select(Backend.CPU, "0"));
    assertEquals("cpu", DeviceSelector.decide(Backend.CPU, "1", 2, true).device.toString());
  }

  @Test
  void assignedAddressSelectsThatCudaDevice() {
    assertEquals("cuda:1", DeviceSelector.decide(Backend.AUTO, "1", 2, true).device.toString());
    assertEquals("cuda:0", DeviceSelector.decide(Backend.CUDA, "0", 2, true).device.toString());
    assertEquals(
        "cuda:0",
        DeviceSelector.decide(Backend.AUTO, null, 1, true).device.toString(),
        "no GPU resource scheduling: the first visible device");
    assertEquals("cuda:3", DeviceSelector.decide(Backend.CUDA, " 3 ", 4, true).device.toString());
    String reason = DeviceSelector.decide(Backend.AUTO, "1", 2, true).reason;
    assertTrue(
        reason.contains("Spark assigned GPU 1, 2 CUDA device(s) visible): using cuda:1"), reason);
  }

  @Test
  void gpuBuildWithoutAVisibleDevice() {
    DeviceSelector.Choice c = DeviceSelector.decide(Backend.AUTO, "0", 0, true);
    assertEquals(Device.CPU, c.device);
    assertTrue(c.reason.contains("GPU build of OpenCV but it sees no CUDA device"), c.reason);
    EngineException e =
        assertThrows(
            EngineException.class, () -> DeviceSelector.decide(Backend.CUDA, "0", 0, true));
    assertTrue(e.getMessage().contains("NVIDIA driver missing"), e.getMessage());
    String failed =
        DeviceSelector.decide(Backend.AUTO, "0", 0, true, "cudaErrorInitializationError").reason;
    assertTrue(
        failed.contains("CUDA failed to list devices (cudaErrorInitializationError); using cpu"),
        failed);
  }

  @Test
  void addressesThatAreNoUsableDeviceIndexAreErrors() {
    EngineException beyond =
        assertThrows(
            EngineException.class, () -> DeviceSelector.decide(Backend.AUTO, "2", 2, true));
    assertTrue(
        beyond.getMessage().contains("GPU address 2 but only 2 CUDA device(s) are visible"),
        beyond.getMessage());
    for (String bad : new String[] {"GPU-5f2a", "-1", ""}) {
      EngineException e =
          assertThrows(
              EngineException.class, () -> DeviceSelector.decide(Backend.AUTO, bad, 2, true));
      assertTrue(e.getMessage().contains("is not a CUDA device index"), e.getMessage());
    }
  }

  @Test
  void nativesHintNamesTheMissingCudaLibraryAndTheFix() {
    UnsatisfiedLinkError cause = new UnsatisfiedLinkError(MISSING_CUDNN);
    UnsatisfiedLinkError top =
        new UnsatisfiedLinkError("no jniopencv_dnn in java.library.path: /usr/lib");
    top.initCause(cause);
    String hint = DeviceSelector.nativesHint(top, true);
    assertTrue(hint.startsWith("OpenCV natives failed to load: libcudnn.so.9 not found."), hint);
    assertTrue(hint.contains("run the CPU jar on nodes without a GPU"), hint);
    assertTrue(hint.contains("install CUDA 13 and cuDNN 9"), hint);
    assertFalse(
        hint.contains("libjniopencv_dnn.so not found"),
        "the missing dependency, not the JNI wrapper");
    assertFalse(hint.contains("\n"), "one line");

    String cudart =
        DeviceSelector.nativesHint(
            new UnsatisfiedLinkError(
                "/tmp/libopencv_core.so.413: libcudart.so.13: cannot open shared object file: No such file or directory"),
            false);
    assertTrue(
        cudart.startsWith(
            "OpenCV natives failed to load: libcudart.so.13 not found. This is the GPU jar"),
        "a CUDA library names the GPU jar even when the build check cannot: " + cudart);

    String other =
        DeviceSelector.nativesHint(
            new UnsatisfiedLinkError("no jniopencv_core in java.library.path"), false);
    assertTrue(other.startsWith("OpenCV natives failed to load (this JVM's platform: "), other);
    assertFalse(other.contains("CUDA"), other);
  }
}
