package org.superres.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.cli.Main;
import org.superres.config.ConfigError;
import org.superres.config.ConfigLoader;
import org.superres.config.JobSettings;
import org.superres.engine.ModelKind;
import org.superres.engine.ModelSpec;
import org.superres.testing.Fixtures;

/**
 * The catalog's checksums are enforced: verify, fetch and resolve refuse a file that does not
 * match.
 */
class ModelCatalogTest {
  @TempDir Path tmp;

  private final ModelCatalog catalog = ModelCatalog.load();

  @Test
  void catalogHasTheBundledDefaultTheOfficialEdsrAndTheOpenCvModels() {
    CatalogEntry own = catalog.get("superres-edsr-x3");
    assertTrue(own.bundled);
    assertEquals(ModelKind.EDSR, own.kind);
    assertEquals(3, own.scale);
    assertEquals(38_524_784L, catalog.get("EDSR_x3").bytes);
    assertEquals(
        "3baa3740fdb8ee9c52f1a41d69fa74cb9feef0fa9bfeec24f0ee58b928068e9a",
        catalog.get("EDSR_x3").sha256);
    for (String n :
        List.of("EDSR_x2", "EDSR_x4", "FSRCNN_x3", "FSRCNN-small_x3", "ESPCN_x3", "LapSRN_x8")) {
      assertTrue(catalog.contains(n), n);
    }
  }

  @Test
  void bundledModelInTheRepoMatchesItsCatalogEntry() {
    Path file = Fixtures.repoRoot().resolve("models/superres-edsr-x3.pb");
    assertEquals(catalog.get("superres-edsr-x3").sha256, ModelSpec.sha256Of(file));
    assertEquals(catalog.get("superres-edsr-x3").bytes, file.toFile().length());
  }

  @Test
  void openCvModelChecksumsMatchTheirFiles() {
    Path fsrcnn = Fixtures.thirdPartyModel("FSRCNN_x3.pb");
    assertEquals(catalog.get("FSRCNN_x3").sha256, ModelSpec.sha256Of(fsrcnn));
  }

  @Test
  void fetchFromAMirrorVerifiesAndRefusesAWrongChecksum() throws Exception {
    Path good = Fixtures.thirdPartyModel("FSRCNN_x3.pb");
    Path mirror = Files.createDirectories(tmp.resolve("mirror"));
    Files.copy(good, mirror.resolve("FSRCNN_x3.pb"));
    Files.write(mirror.resolve("ESPCN_x3.pb"), "not the model".getBytes(StandardCharsets.UTF_8));
    Path models = tmp.resolve("models");

    assertEquals(
        0,
        cli(
            0,
            "models",
            "fetch",
            "FSRCNN_x3",
            "--from",
            mirror.toString(),
            "--set",
            "model.dir=" + models));
    assertTrue(Files.exists(models.resolve("FSRCNN_x3.pb")));

    String err =
        captureErr(
            () ->
                assertEquals(
                    1,
                    Main.run(
                        new String[] {
                          "models",
                          "fetch",
                          "ESPCN_x3",
                          "--from",
                          mirror.toString(),
                          "--set",
                          "model.dir=" + models
                        })));
    assertTrue(err.contains("expected " + catalog.get("ESPCN_x3").sha256), err);
    assertFalse(
        Files.exists(models.resolve("ESPCN_x3.pb")), "a file failing its checksum is not kept");

    // verify: one good file passes; a damaged one fails with exit 1
    assertEquals(0, cli(0, "models", "verify", "--set", "model.dir=" + models));
    Files.write(
        models.resolve("FSRCNN_x3.pb"),
        new byte[] {1, 2, 3},
        java.nio.file.StandardOpenOption.APPEND);
    assertEquals(1, cli(1, "models", "verify", "--set", "model.dir=" + models));
  }

  @Test
  void resolvingADamagedCatalogModelIsAConfigError() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("damaged"));
    Files.write(dir.resolve("FSRCNN_x3.pb"), "truncated".getBytes(StandardCharsets.UTF_8));
    JobSettings s =
        JobSettings.from(
            ConfigLoader.load(null, List.of("model.name=FSRCNN_x3", "model.dir=" + dir)));
    ConfigError e =
        assertThrows(
            ConfigError.class, () -> new ModelResolver(new Configuration(), catalog).resolve(s));
    assertTrue(
        e.getMessage().contains("sha256") && e.getMessage().contains("models fetch FSRCNN_x3"),
        e.getMessage());
  }

  @Test
  void bundledModelResolvesWithoutAnyFiles() throws Exception {
    JobSettings s = JobSettings.from(ConfigLoader.load(null, List.of("model.dir=" + tmp)));
    ResolvedModel m = new ModelResolver(new Configuration(), catalog).resolve(s);
    assertEquals("superres-edsr-x3", m.spec.name());
    assertEquals(catalog.get("superres-edsr-x3").sha256, m.spec.sha256());
  }

  private static int cli(int expected, String... argv) {
    int[] code = new int[1];
    captureErr(() -> code[0] = Main.run(argv));
    assertEquals(expected, code[0], String.join(" ", argv));
    return code[0];
  }

  private static String captureErr(Runnable r) {
    PrintStream err = System.err;
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    System.setErr(new PrintStream(b, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(err);
    }
    return b.toString(StandardCharsets.UTF_8);
  }
}
