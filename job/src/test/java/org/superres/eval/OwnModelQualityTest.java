package org.superres.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.cli.Main;
import org.superres.model.ModelCatalog;
import org.superres.testing.Fixtures;

/**
 * The shipped model, exported by the trainer and loaded by OpenCV exactly as the job loads it,
 * beats MATLAB bicubic on Set5 on average and on every image: the eval command end to end, JSON
 * included.
 */
class OwnModelQualityTest {
  @TempDir Path tmp;

  @Test
  void bundledModelBeatsBicubicOnEverySet5Image() throws Exception {
    Path set5 = Fixtures.evalSet("Set5");
    Path json = tmp.resolve("set5.json");
    assertEquals(
        0,
        Main.run(new String[] {"eval", "--dataset", set5.toString(), "--json", json.toString()}));
    JsonNode r = new ObjectMapper().readTree(json.toFile());
    assertEquals("superres-edsr-x3", r.at("/model/name").asText());
    assertEquals(
        ModelCatalog.load().get("superres-edsr-x3").sha256, r.at("/model/sha256").asText());
    double model = r.at("/model/mean_psnr").asDouble();
    double bicubic = r.at("/bicubic/mean_psnr").asDouble();
    assertEquals(30.39, bicubic, 0.05, "bicubic x3 on Set5 reproduces the published number");
    assertTrue(model > bicubic + 1.0, "model " + model + " dB vs bicubic " + bicubic + " dB");
    assertEquals(5, r.at("/images").size());
    for (JsonNode img : r.at("/images")) {
      assertTrue(img.at("/psnr").asDouble() > img.at("/bicubic_psnr").asDouble(), img.toString());
    }
  }
}
