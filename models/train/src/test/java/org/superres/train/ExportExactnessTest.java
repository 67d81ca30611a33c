package org.superres.train;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small random network in PyTorch, frozen by the Java exporter and run by OpenCV's
 * DnnSuperResImpl, gives what PyTorch's own forward gives on the same image (both rounded to 8
 * bits): PSNR >= 50 dB between the two.
 */
class ExportExactnessTest {

  @Test
  void openCvRunsTheExportedGraphAsPyTorchRunsTheNetwork(@TempDir Path tmp) throws Exception {
    PythonTrainer.assumeAvailable();
    Path lrFile = tmp.resolve("lr.png");
    Path weights = tmp.resolve("w.safetensors");
    Path torchOut = tmp.resolve("sr-torch.png");
    Mat lr = TestImages.pattern(37, 53, 11);
    assertTrue(imwrite(lrFile.toString(), lr));
    // res_scale 0.5 (not the default 0.1) and random biases, so both reach the graph; weights at
    // half the He
    // scale keep the output mostly inside 0..255
    PythonTrainer.script(
        String.join(
            "\n",
            "import torch, edsr_train as e",
            "from pathlib import Path",
            "net = e.Edsr(3, 16, 3, 0.5)",
            "e.init_weights(net, 7)",
            "g = torch.Generator().manual_seed(8)",
            "with torch.no_grad():",
            "    for m in net.modules():",
            "        if isinstance(m, torch.nn.Conv2d):",
            "            m.weight.mul_(0.5)",
            "            m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 5)",
            "e.save_weights(net, Path('" + weights + "'))",
            "lr, _ = e.read_bgr(Path('" + lrFile + "'))",
            "e.write_bgr(Path('" + torchOut + "'), e.upscale_image(net, lr))"));

    Path pb = tmp.resolve("random.pb");
    Exporter.write(Exporter.graphDef(SafeTensors.read(weights)), pb);
    byte[] cv;
    try (OpenCvSr sr = new OpenCvSr(pb, "edsr", 3)) {
      Mat out = sr.apply(lr);
      assertEquals(111, out.rows());
      assertEquals(159, out.cols());
      cv = TestImages.bytes(out);
    }
    byte[] pt = TestImages.bytes(imread(torchOut.toString(), IMREAD_COLOR));
    assertEquals(pt.length, cv.length);

    double se = 0;
    int maxDiff = 0;
    int differ = 0;
    int saturated = 0;
    for (int i = 0; i < pt.length; i++) {
      int d = Math.abs((pt[i] & 0xff) - (cv[i] & 0xff));
      se += (double) d * d;
      maxDiff = Math.max(maxDiff, d);
      differ += d != 0 ? 1 : 0;
      saturated += (pt[i] & 0xff) == 0 || (pt[i] & 0xff) == 255 ? 1 : 0;
    }
    double psnr =
        se == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255 * pt.length / se);
    System.out.printf(
        Locale.ROOT,
        "PyTorch vs OpenCV: PSNR %.2f dB, max abs diff %d, %d of %d samples differ, "
            + "%.1f%% saturated%n",
        psnr,
        maxDiff,
        differ,
        pt.length,
        100.0 * saturated / pt.length);
    assertTrue(
        saturated < pt.length / 20,
        "the random network saturates: the comparison would prove little");
    assertTrue(psnr >= 50, "PSNR " + psnr + " dB between PyTorch and OpenCV");
  }
}
