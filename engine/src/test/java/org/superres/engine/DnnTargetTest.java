package org.superres.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.opencv.global.opencv_dnn;
import org.junit.jupiter.api.Test;

/** The one mapping from device and precision to OpenCV's backend and target. */
class DnnTargetTest {
  @Test
  void cudaRunsFp32OrFp16AndTheCpuRunsFp32Always() {
    DnnTarget fp32 = DnnTarget.of(Device.cuda(1), Precision.FP32);
    assertEquals(opencv_dnn.DNN_BACKEND_CUDA, fp32.backend());
    assertEquals(opencv_dnn.DNN_TARGET_CUDA, fp32.target());
    DnnTarget fp16 = DnnTarget.of(Device.cuda(0), Precision.FP16);
    assertEquals(opencv_dnn.DNN_BACKEND_CUDA, fp16.backend());
    assertEquals(opencv_dnn.DNN_TARGET_CUDA_FP16, fp16.target());
    assertEquals("DNN_BACKEND_CUDA/DNN_TARGET_CUDA_FP16", fp16.toString());
    for (Precision p : Precision.values()) {
      DnnTarget cpu = DnnTarget.of(Device.CPU, p);
      assertEquals(opencv_dnn.DNN_BACKEND_OPENCV, cpu.backend());
      assertEquals(opencv_dnn.DNN_TARGET_CPU, cpu.target());
    }
  }
}
