package org.superres.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The GPU check on this CPU machine (it must say there is no GPU, measure the CPU and exit 3), its
 * usage errors, and the EDSR-size graph it measures.
 */
class GpuCheckTest {
  @TempDir Path tmp;

  @Test
  void officialSizeHasEdsrX3sMultiplyAdds() {
    // EDSR x3: head 3->256, 32 blocks of two 256->256 convs, a 256->256 conv, 256->2304 before
    // the shuffle, then 256->3 at HR (9 HR pixels per LR pixel); all 3x3.
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
  void onThisCpuMachineItSaysThereIsNoGpuAndMeasuresTheCpu() throws Exception {
    Path json = tmp.resolve("report/check.json");
    String[] out = new String[1];
    int exit =
        captured(
            out,
            "--model",
            Fixtures.ownModel().toString(),
            "--skip-edsr",
            "--work",
            tmp.toString(),
            "--json",
            json.toString());
    assertEquals(GpuCheck.EXIT_NO_GPU, exit, out[0]);
    String o = out[0];
    assertTrue(o.contains("jar: CPU build (OpenCV without CUDA)"), o);
    assertTrue(o.contains("natives: loaded"), o);
    assertTrue(
        o.contains(
            "device found: NO GPU: device.backend=auto (no GPU assigned by Spark): this is the"
                + " CPU build of OpenCV (no CUDA); using cpu"),
        o);
    assertTrue(o.contains("backend used: cpu (DNN_BACKEND_OPENCV/DNN_TARGET_CPU)"), o);
    assertTrue(o.matches("(?s).*\n  cpu +fp32 +96x96 +\\d+\\.?\\d* .*"), o);
    assertTrue(o.contains("recommended tasks per GPU: n/a (no GPU)"), o);
    assertTrue(o.contains("\nNO GPU: "), o);

    JsonNode r = new ObjectMapper().readTree(json.toFile());
    assertEquals(3, r.get("exit_code").asInt());
    assertEquals(false, r.at("/node/gpu_build").asBoolean());
    assertEquals("cpu", r.at("/node/device").asText());
    JsonNode cpu = r.at("/throughput/0");
    assertEquals("superres-edsr-x3.pb", cpu.get("network").asText());
    assertTrue(cpu.get("input_mp_per_s").asDouble() > 0, cpu.toString());
    assertTrue(cpu.get("tflop_per_s").asDouble() > 0, "FLOPs per pixel from OpenCV's count");
    assertTrue(cpu.get("gpu_memory_mib").isNull(), "no GPU memory figure on the CPU");
    assertEquals(0, r.get("correctness").size(), "PSNR against the CPU needs a GPU");
    assertTrue(r.at("/load_cost/ms_per_image_with_load").asDouble() > 0, r.toString());
    assertTrue(r.at("/load_cost/ratio").asDouble() > 0, r.toString());
    JsonNode sharing = r.at("/pipeline/sharing");
    assertEquals(3, sharing.size());
    assertEquals(4, sharing.get(2).get("tasks").asInt());
    assertTrue(r.at("/pipeline/upscale_ms").asDouble() > 0);
    assertTrue(r.at("/pipeline/recommended_tasks_per_gpu").isNull());
  }

  @Test
  void badUsageExitsTwoWithOneLine() throws Exception {
    String[] out = new String[1];
    assertEquals(2, captured(out, "--tile", "0"));
    assertEquals(
        "gpu-check: error: --tile must be a positive integer, got 0 (see gpu-check --help)\n",
        out[0]);
    assertEquals(2, captured(out, "--model", tmp.resolve("absent.pb").toString()));
    assertTrue(out[0].contains("is not a file"), out[0]);
    assertEquals(2, captured(out, "--frobnicate", "1"));
    assertTrue(out[0].startsWith("gpu-check: error: Unknown option"), out[0]);
    assertEquals(2, captured(out, "--tiles", "128,x"));
    Path notAModel = tmp.resolve("EDSR_x3.pb");
    java.nio.file.Files.writeString(notAModel, "not a graph");
    assertEquals(2, captured(out, "--model", notAModel.toString(), "--work", tmp.toString()));
    assertTrue(
        out[0].startsWith("gpu-check: error: --model " + notAModel + ": cannot load model"),
        out[0]);
  }

  @Test
  void helpListsTheOptionsAndExitCodes() {
    String[] out = new String[1];
    assertEquals(0, captured(out, "--help"));
    assertTrue(out[0].startsWith("Usage: gpu-check "), out[0]);
    assertTrue(out[0].contains("--json=FILE"), out[0]);
    assertTrue(out[0].contains("3   no usable GPU: CPU figures only"), out[0]);
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
