package org.superres.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.engine.DeviceSelector;
import org.superres.testing.Fixtures;

/**
 * The GPU check on this CPU machine (it must say there is no GPU), and the EDSR-size graph it
 * measures.
 */
class GpuCheckTest {
  @TempDir Path tmp;

  @Test
  void officialSizeHasEdsrX3sMultiplyAdds() {
    // EDSR x3: head 3->256, 32 blocks of two 256->256 convs, a 256->256 conv, 256->2304 before the
    // shuffle,
    // then 256->3 at HR (9 HR pixels per LR pixel); all 3x3.
    long edsr = 9L * 3 * 256 + 65L * 9 * 256 * 256 + 9L * 256 * 2304 + 9L * (9 * 256 * 3);
    assertEquals(edsr, EdsrSizeGraph.official().macsPerInputPixel());
    assertEquals(43_716_096L, edsr);
  }

  @Test
  void smallGraphOfTheSameShapeLoadsInOpenCvWithTheCountedFlops() {
    DeviceSelector.ensureNativesLoaded();
    EdsrSizeGraph g = new EdsrSizeGraph(2, 8, 3);
    Path[] files = g.write(tmp, 1);
    Net net = opencv_dnn.readNetFromDarknet(files[0].toString(), files[1].toString());
    int[] shape = {1, 3, 20, 24};
    Mat blob = new Mat(shape, opencv_core.CV_32F);
    opencv_core.randu(
        blob,
        new Mat(1, 1, opencv_core.CV_64F, new org.bytedeco.opencv.opencv_core.Scalar(-100)),
        new Mat(1, 1, opencv_core.CV_64F, new org.bytedeco.opencv.opencv_core.Scalar(100)));
    net.setInput(blob);
    Mat out = net.forward();
    assertEquals(27, out.size(1), "3 colours x 3 x 3 HR pixels per LR pixel");
    assertEquals(20, out.size(2));
    assertEquals(24, out.size(3));
    double flops = net.getFLOPS(new IntPointer(shape));
    double counted = 2.0 * g.macsPerInputPixel() * 20 * 24;
    // OpenCV also counts biases, ReLUs and the residual sums: a few percent on this tiny graph.
    assertTrue(
        flops >= counted && flops < counted * 1.05, "OpenCV " + flops + " vs counted " + counted);
    net.close();
  }

  @Test
  void onThisCpuMachineItSaysThereIsNoGpuAndMeasuresTheCpu() {
    String model = Fixtures.ownModel().toString();
    String[] out = new String[1];
    int exit = captured(out, "--model", model, "--skip-edsr", "--work", tmp.toString());
    assertEquals(GpuCheck.EXIT_NO_GPU, exit, out[0]);
    assertTrue(out[0].contains("jar: CPU build (OpenCV without CUDA)"), out[0]);
    assertTrue(
        out[0].contains(
            "device found: NO GPU: device.backend=auto (no GPU assigned by Spark): this is the"
                + " CPU build of OpenCV (no CUDA); using cpu"),
        out[0]);
    assertTrue(out[0].contains("backend used: cpu (DNN_BACKEND_OPENCV)"), out[0]);
    assertTrue(
        out[0].matches("(?s).*cpu fp32 throughput: \\d+\\.\\d+ input MP/s \\(tile 96x96\\).*"),
        out[0]);
    assertTrue(out[0].contains("gpu fp32 / fp16 throughput: n/a (no GPU)"), out[0]);
    assertTrue(out[0].contains("\nNO GPU: "), out[0]);
  }

  @Test
  void badUsageExitsTwo() {
    String[] out = new String[1];
    assertEquals(2, captured(out, "--tile", "0"));
    assertEquals(2, captured(out, "--model", tmp.resolve("absent.pb").toString()));
    assertEquals(2, captured(out, "--frobnicate", "1"));
  }

  private static int captured(String[] out, String... args) {
    PrintStream old = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream p = new PrintStream(buf, true, StandardCharsets.UTF_8);
    System.setOut(p);
    System.setErr(p);
    try {
      return GpuCheck.run(args);
    } finally {
      System.setOut(old);
      System.setErr(oldErr);
      out[0] = buf.toString(StandardCharsets.UTF_8);
    }
  }
}
