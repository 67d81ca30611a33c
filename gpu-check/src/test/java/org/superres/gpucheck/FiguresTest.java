package org.superres.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic behind the check's verdicts: PSNR, tasks per GPU, versions read off the node. */
class FiguresTest {
  @Test
  void identicalOutputsPassWithoutAPsnr() {
    float[] a = {1, 2, 3, 250};
    CheckReport.Correctness c = CorrectnessCheck.score(a, a.clone(), 255, 50);
    assertNull(c.psnrDb);
    assertEquals(0, c.maxAbsDiff);
    assertTrue(c.pass);
  }

  @Test
  void oneLevelOffEverywhereIs48DbWhichFailsFp32AndPassesFp16() {
    float[] ref = new float[100];
    float[] got = new float[100];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = i;
      got[i] = i + 1;
    }
    CheckReport.Correctness fp32 = CorrectnessCheck.score(ref, got, 255, 50);
    assertEquals(20 * Math.log10(255), fp32.psnrDb, 1e-9); // 48.13 dB
    assertFalse(fp32.pass);
    assertTrue(CorrectnessCheck.score(ref, got, 255, 40).pass);
  }

  @Test
  void rawOutputsAreScoredAgainstTheReferencesOwnRange() {
    float[] ref = {-50, 0, 50};
    float[] got = {-50, 0, 50.1f};
    CheckReport.Correctness c = CorrectnessCheck.score(ref, got, Double.NaN, 50);
    assertEquals(100, c.peak);
    assertEquals(10 * Math.log10(100.0 * 100 / (0.1 * 0.1 / 3)), c.psnrDb, 0.01);
  }

  @Test
  void anotherOutputShapeFails() {
    assertFalse(CorrectnessCheck.score(new float[4], new float[5], 255, 40).pass);
  }

  @Test
  void tasksPerGpuKeepTheGpuBusyWhileOthersDecodeAndEncode() {
    assertEquals(1, TasksPerGpu.recommend(0, 10));
    assertEquals(2, TasksPerGpu.recommend(10, 10));
    assertEquals(4, TasksPerGpu.recommend(25, 10)); // 1 + 2.5, rounded up
    assertEquals(TasksPerGpu.MAX, TasksPerGpu.recommend(1000, 1));
    assertEquals(TasksPerGpu.MAX, TasksPerGpu.recommend(10, 0));
  }

  @Test
  void sparkTaskAmountGivesExactlyThatManyTasks() {
    assertEquals("1", TasksPerGpu.sparkAmount(1));
    assertEquals("0.25", TasksPerGpu.sparkAmount(4));
    assertEquals("0.3333", TasksPerGpu.sparkAmount(3));
    for (int n = 2; n <= TasksPerGpu.MAX; n++) {
      double amount = new BigDecimal(TasksPerGpu.sparkAmount(n)).doubleValue();
      // Spark: tasks per GPU = floor(1 / amount) for amounts <= 0.5
      assertEquals(n, (int) Math.floor(1 / amount), "n=" + n + " amount " + amount);
    }
  }

  @Test
  void runtimeVersionComesFromTheLibraryFileName() {
    assertEquals(
        "13.0.96",
        NodeProbe.runtimeVersion(
            List.of("/usr/lib/libcudnn.so.9", "/usr/local/cuda/lib64/libcudart.so.13.0.96")));
    assertEquals(
        "13",
        NodeProbe.runtimeVersion(List.of("/venv/site-packages/nvidia/cu13/lib/libcudart.so.13")));
    assertNull(NodeProbe.runtimeVersion(List.of()));
  }

  @Test
  void buildInformationLinesAreFoundByKey() {
    String info =
        "  Other third-party libraries:\n    NVIDIA CUDA:   YES (ver 13.1, CUFFT CUBLAS)\n    cuDNN:  YES (ver 9.17.0)\n";
    assertEquals("YES (ver 13.1, CUFFT CUBLAS)", NodeProbe.buildLine(info, "NVIDIA CUDA:"));
    assertEquals("YES (ver 9.17.0)", NodeProbe.buildLine(info, "cuDNN:"));
    assertNull(NodeProbe.buildLine(info, "OpenVINO:"));
  }
}
