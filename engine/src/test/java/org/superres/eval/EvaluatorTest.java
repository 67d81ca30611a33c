package org.superres.eval;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {

  private static List<String> fields(JsonNode n) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  @Test
  void writesContractJson(@TempDir Path tmp) throws Exception {
    Path hr = Files.createDirectories(tmp.resolve("Tiny").resolve("HR"));
    Mat img = new Mat(50, 47, CV_8UC3); // not a multiple of 3: gets modcropped to 48x45
    byte[] px = new byte[50 * 47 * 3];
    java.util.Random r = new java.util.Random(7);
    for (int i = 0; i < px.length; i++) {
      int y = (i / 3) / 47;
      px[i] = (byte) (40 + 3 * y + r.nextInt(20));
    }
    img.data().put(px);
    imwrite(hr.resolve("a.png").toString(), img);
    imwrite(hr.resolve("b.png").toString(), img);

    EvalReport rep =
        new Evaluator(3)
            .evaluate(tmp.resolve("Tiny"), "bicubic-as-model", "abc", lr -> Images.upscale(lr, 3));
    Path json = tmp.resolve("out").resolve("eval.json");
    rep.writeJson(json);

    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertEquals(List.of("dataset", "scale", "model", "bicubic", "images"), fields(root));
    assertEquals("Tiny", root.get("dataset").asText());
    assertEquals(3, root.get("scale").asInt());
    assertEquals(List.of("name", "sha256", "mean_psnr", "mean_ssim"), fields(root.get("model")));
    assertEquals(List.of("mean_psnr", "mean_ssim"), fields(root.get("bicubic")));
    assertEquals(2, root.get("images").size());
    JsonNode first = root.get("images").get(0);
    assertEquals(List.of("name", "psnr", "ssim", "bicubic_psnr", "bicubic_ssim"), fields(first));
    assertEquals("a", first.get("name").asText());
    // the "model" is bicubic itself, so both columns agree
    assertEquals(first.get("bicubic_psnr").asDouble(), first.get("psnr").asDouble(), 1e-12);
    assertTrue(rep.toTable().contains("mean"));
  }

  @Test
  void rejectsWrongOutputSize(@TempDir Path tmp) throws Exception {
    Path hr = Files.createDirectories(tmp.resolve("T").resolve("HR"));
    imwrite(hr.resolve("a.png").toString(), new Mat(36, 36, CV_8UC3));
    try {
      new Evaluator(3).evaluate(tmp.resolve("T"), "m", "s", lr -> lr);
      throw new AssertionError("expected a failure");
    } catch (IllegalStateException e) {
      assertTrue(e.getMessage().contains("expected 36x36x3"), e.getMessage());
    }
  }
}
