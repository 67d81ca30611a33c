package org.superres.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.engine.Backend;
import org.superres.engine.ImageFormat;

class ConfigLoaderTest {
  @TempDir Path tmp;

  @AfterEach
  void clearProperties() {
    System.clearProperty("superres.tiling.tile");
  }

  @Test
  void defaultsComeFromReferenceConf() {
    JobSettings s = JobSettings.from(ConfigLoader.load(null, List.of()));
    assertEquals(ImageFormat.PNG, s.outputFormat);
    assertEquals(Backend.AUTO, s.backend);
    assertEquals(JobSettings.OutputMode.SKIP_EXISTING, s.outputMode);
    assertEquals("superres-edsr-x3", s.modelName);
    assertTrue(s.tile > 0, "tiling is on by default");
  }

  @Test
  void precedenceIsSetThenSystemPropertyThenFileThenReference() throws Exception {
    Path file = tmp.resolve("run.conf");
    Files.writeString(
        file, "superres { tiling.tile = 111, tiling.overlap = 7, output.format = jpeg }");
    System.setProperty("superres.tiling.tile", "222");
    JobSettings s =
        JobSettings.from(ConfigLoader.load(file.toString(), List.of("output.format=webp")));
    assertEquals(ImageFormat.WEBP, s.outputFormat, "--set beats the file");
    assertEquals(222, s.tile, "-D beats the file");
    assertEquals(7, s.overlap, "the file beats reference.conf");
    JobSettings t =
        JobSettings.from(ConfigLoader.load(file.toString(), List.of("tiling.tile=333")));
    assertEquals(333, t.tile, "--set beats -D");
  }

  @Test
  void unknownKeyFailsNamingIt() {
    ConfigError e =
        assertThrows(ConfigError.class, () -> ConfigLoader.load(null, List.of("tiling.tiles=64")));
    assertTrue(e.getMessage().contains("superres.tiling.tiles"), e.getMessage());
  }

  @Test
  void wrongValuesFailNamingTheKey() {
    ConfigError backend =
        assertThrows(
            ConfigError.class,
            () -> JobSettings.from(ConfigLoader.load(null, List.of("device.backend=tpu"))));
    assertTrue(backend.getMessage().contains("device.backend"), backend.getMessage());
    ConfigError tile =
        assertThrows(
            ConfigError.class,
            () -> JobSettings.from(ConfigLoader.load(null, List.of("tiling.tile=many"))));
    assertTrue(tile.getMessage().contains("tiling.tile"), tile.getMessage());
    ConfigError quality =
        assertThrows(
            ConfigError.class,
            () -> JobSettings.from(ConfigLoader.load(null, List.of("output.jpeg-quality=101"))));
    assertTrue(quality.getMessage().contains("output.jpeg-quality"), quality.getMessage());
    ConfigError mode =
        assertThrows(
            ConfigError.class,
            () -> JobSettings.from(ConfigLoader.load(null, List.of("output.mode=append"))));
    assertTrue(mode.getMessage().contains("output.mode"), mode.getMessage());
    for (String bad :
        List.of(
            "output.tiff-tile=300",
            "output.tiff-compression=lzw",
            "limits.max-output-pixels-in-memory=-1")) {
      ConfigError e =
          assertThrows(
              ConfigError.class, () -> JobSettings.from(ConfigLoader.load(null, List.of(bad))));
      String key = bad.substring(0, bad.indexOf('='));
      assertTrue(e.getMessage().contains("superres." + key), e.getMessage());
    }
    assertEquals(
        org.superres.engine.ImageFormat.TIFF_PYRAMID,
        JobSettings.from(ConfigLoader.load(null, List.of("output.format=tiff-pyramid")))
            .outputFormat);
  }

  @Test
  void plainOutputStringMeansOutputUriAndUrisSurviveParsing() {
    JobSettings s =
        JobSettings.from(
            ConfigLoader.load(
                null,
                List.of(
                    "output=s3a://bucket/out//x",
                    "input=[\"s3a://in/a*.png\", \"hdfs://nn:8020/b\"]")));
    assertEquals("s3a://bucket/out//x", s.outputUri);
    assertEquals(List.of("s3a://in/a*.png", "hdfs://nn:8020/b"), s.inputs);
    assertEquals(ImageFormat.PNG, s.outputFormat, "output.* defaults kept");
  }

  @Test
  void secretsAreRedactedFromTheRenderedConfig() {
    JobSettings s =
        JobSettings.from(
            ConfigLoader.load(
                null,
                List.of(
                    "spark={\"spark.hadoop.fs.s3a.secret.key\" = \"TOPSECRET\", \"spark.hadoop.fs.s3a.endpoint\" = \"http://e\"}")));
    assertTrue(!s.renderedJson.contains("TOPSECRET"), s.renderedJson);
    assertTrue(s.renderedJson.contains("http://e"));
    assertEquals("TOPSECRET", s.sparkProperties.get("spark.hadoop.fs.s3a.secret.key"));
  }
}
