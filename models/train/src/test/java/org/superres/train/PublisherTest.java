package org.superres.train;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.engine.ModelSpec;
import org.superres.eval.EvalReport;
import picocli.CommandLine;

/**
 * Publishing a run into a copy of models/: the model file, its catalog entry and card section,
 * twice over.
 */
class PublisherTest {

  @Test
  void publishesAndRepublishesInPlace(@TempDir Path tmp) throws Exception {
    Path models = Files.createDirectories(tmp.resolve("models"));
    Files.copy(Paths.get("../catalog.conf"), models.resolve("catalog.conf"));
    Files.copy(Paths.get("../MODEL_CARD.md"), models.resolve("MODEL_CARD.md"));
    String cardBefore = Files.readString(models.resolve("MODEL_CARD.md"));
    Path run = Files.createDirectories(tmp.resolve("run"));
    Exporter.Shape shape = new Exporter.Shape(1, 4, 3, 0.1f);
    writeSafeTensors(
        run.resolve("weights.safetensors"),
        ExporterTest.toPyTorchLayout(shape, ExporterTest.randomTfWeights(1, 4, 3)),
        Map.of(
            "steps",
            "1200",
            "train_minutes",
            "7.9",
            "device",
            "NVIDIA H200",
            "torch",
            "2.11.0",
            "images",
            "491",
            "training_pairs",
            "2242",
            "data",
            "BSDS200 (200), BSDS500_test200 (200), T91 (91)"));
    Files.writeString(
        run.resolve("config.json"),
        "{\"batch\": 32, \"patch\": 48, \"lr\": 0.0004, \"lr_min\": 1e-06, "
            + "\"warmup\": 1000, \"minutes\": 8.0, \"steps\": 1000000000, \"seed\": 20261201, \"extra_scales\": [0.9, 0.8]}");
    Files.writeString(
        run.resolve("eval.tsv"),
        "step\telapsed_s\tlr\tset5_psnr\tset5_ssim\tbicubic_psnr\n"
            + "600\t240\t0.0003\t31.2000\t0.88000\t30.4047\n1200\t474\t1e-06\t31.9000\t0.89000\t30.4047\n");
    Path set5 = dataset(tmp.resolve("Set5"), 2);
    Path set14 = dataset(tmp.resolve("Set14"), 3);

    Publisher p = new Publisher(run, "superres-edsr-x3-test", models);
    List<EvalReport> first = p.publish(List.of(set5, set14));
    Path pb = models.resolve("superres-edsr-x3-test.pb");
    String sha = ModelSpec.sha256Of(pb);
    assertEquals(List.of("Set5", "Set14"), List.of(first.get(0).dataset, first.get(1).dataset));
    assertTrue(Files.exists(run.resolve("eval-Set14.json")));

    // again, through the command line publish.sh runs: replaces, never duplicates
    String[] args = {
      "--run",
      run.toString(),
      "--name",
      "superres-edsr-x3-test",
      "--models-dir",
      models.toString(),
      "--set5",
      set5.toString(),
      "--set14",
      set14.toString(),
      "--threads",
      "1"
    };
    assertEquals(0, new CommandLine(new Publisher.Cli()).execute(args));
    assertEquals(
        2,
        new CommandLine(new Publisher.Cli()).execute("--run", run.toString(), "--set5", "x"),
        "a usage error (no --set14) exits 2");
    String catalog = Files.readString(models.resolve("catalog.conf"));
    Matcher entry =
        Pattern.compile("superres-edsr-x3-test \\{[^}]*bytes = (\\d+),\\s*sha256 = \"(\\w+)\"")
            .matcher(catalog);
    assertTrue(entry.find(), catalog);
    assertEquals(Files.size(pb), Long.parseLong(entry.group(1)));
    assertEquals(sha, entry.group(2));
    assertTrue(!entry.find(), "one entry only");
    assertTrue(catalog.indexOf("superres-edsr-x3 {") < catalog.indexOf("superres-edsr-x3-test {"));
    assertTrue(catalog.indexOf("superres-edsr-x3-test {") < catalog.indexOf("EDSR_x2 {"));

    String card = Files.readString(models.resolve("MODEL_CARD.md"));
    assertTrue(card.startsWith(cardBefore), "the card's earlier text is kept");
    String section = card.substring(cardBefore.length());
    assertEquals(1, section.split("## superres-edsr-x3-test\n", -1).length - 1, "one section only");
    assertTrue(section.contains(sha));
    assertTrue(section.contains("1200 steps in 7.9 minutes on NVIDIA H200"), section);
    assertTrue(
        section.contains("lr 0.000400 (1000 warm-up steps) then cosine to 1.00e-06 over 8 minutes"),
        section);
    assertTrue(catalog.contains("trained by models/train on NVIDIA H200"), catalog);
    assertTrue(section.contains("| 1200 | 7.9 | 1e-06 | 31.9000 | 0.89000 |"), section);
    assertTrue(section.contains("**not met**"), section);
    for (String img : new String[] {"| img0 |", "| img1 |", "| img2 |"}) {
      assertTrue(section.contains(img), img);
    }
    assertTrue(
        section.contains(
            String.format(
                java.util.Locale.ROOT,
                "| Set14 | **%.3f / %.4f** |",
                first.get(1).model.meanPsnr,
                first.get(1).model.meanSsim)),
        section);
  }

  @Test
  void neverReplacesAnEntryWrittenByHand() throws Exception {
    String catalog = Files.readString(Paths.get("../catalog.conf"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelCard.withCatalogEntry(catalog, "superres-edsr-x3", "x"));
    assertTrue(e.getMessage().contains("another name"), e.getMessage());
  }

  private static Path dataset(Path dir, int images) {
    for (int i = 0; i < images; i++) {
      Path hr = dir.resolve("HR").resolve("img" + i + ".png");
      hr.getParent().toFile().mkdirs();
      assertTrue(imwrite(hr.toString(), TestImages.pattern(48 + 3 * i, 51, i)));
    }
    return dir;
  }

  /** The safetensors layout edsr_train.py writes: header length, JSON header, float32 data. */
  static void writeSafeTensors(Path file, SafeTensors t, Map<String, String> extraMeta)
      throws IOException {
    StringBuilder h = new StringBuilder("{\"__metadata__\":{");
    Map<String, String> meta = new java.util.LinkedHashMap<>(t.metadata);
    meta.putAll(extraMeta);
    meta.forEach((k, v) -> h.append('"').append(k).append("\":\"").append(v).append("\","));
    h.setCharAt(h.length() - 1, '}');
    long offset = 0;
    for (Map.Entry<String, SafeTensors.Tensor> e : t.tensors.entrySet()) {
      long n = e.getValue().values.length * 4L;
      h.append(",\"")
          .append(e.getKey())
          .append("\":{\"dtype\":\"F32\",\"shape\":")
          .append(java.util.Arrays.toString(e.getValue().shape).replace(" ", ""))
          .append(",\"data_offsets\":[")
          .append(offset)
          .append(',')
          .append(offset + n)
          .append("]}");
      offset += n;
    }
    byte[] header = h.append('}').toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(8 + header.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header);
    t.tensors
        .values()
        .forEach(
            v -> {
              for (float f : v.values) {
                b.putFloat(f);
              }
            });
    Files.write(file, b.array());
  }
}
