package org.superres.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.superres.eval.EvalReport;

/**
 * The text {@link Publisher} writes: a model's catalog entry and its model-card section, and how
 * each replaces the one an earlier publish wrote (the card section sits between begin/end markers;
 * the catalog entry is the block named after the model, with its comment line).
 */
final class ModelCard {
  /**
   * The targets for an EDSR-baseline-class x3 model (Y, MATLAB protocol): its published 34.37 /
   * 30.28, less a margin.
   */
  static final double TARGET_SET5 = 34.0;

  static final double TARGET_SET14 = 30.0;

  private final String name;
  private final Exporter.Shape shape;
  private final Map<String, String> meta;
  private final JsonNode config;
  private final List<String> curve;
  private final List<EvalReport> reports;

  /**
   * @param meta the weights file's metadata (steps, train_minutes, device, torch, images,
   *     training_pairs, data)
   * @param config the run's config.json (the trainer's options)
   * @param curve the run's eval.tsv lines (header first)
   * @param reports the Set5 and Set14 evaluations of the exported model
   */
  ModelCard(
      String name,
      Exporter.Shape shape,
      Map<String, String> meta,
      JsonNode config,
      List<String> curve,
      List<EvalReport> reports) {
    this.name = name;
    this.shape = shape;
    this.meta = meta;
    this.config = config;
    this.curve = curve;
    this.reports = reports;
  }

  static String catalogEntry(
      String name, Exporter.Shape s, String device, long bytes, String sha256) {
    return String.format(
        Locale.ROOT,
        "  # %s: the project's own EDSR x%d, B%d F%d, trained by models/train on %s "
            + "(see models/MODEL_CARD.md); not bundled: looked for in model.dir, then ./models.%n"
            + "  %s { kind = edsr, scale = %d, file = \"%s.pb\", bytes = %d,%n"
            + "    sha256 = \"%s\",%n    license = \"Apache-2.0 (this project)\" }%n",
        name,
        s.scale,
        s.blocks,
        s.feats,
        device,
        name,
        s.scale,
        name,
        bytes,
        sha256);
  }

  /**
   * The catalog with {@code entry} replacing the model's earlier published entry, or after the
   * first entry of the list. An entry of that name written otherwise (by hand) is never replaced.
   */
  static String withCatalogEntry(String catalog, String name, String entry) {
    Matcher old =
        Pattern.compile(
                "(?m)^  # "
                    + Pattern.quote(name)
                    + ":.*\\n  "
                    + Pattern.quote(name)
                    + " \\{[^}]*\\}\\n")
            .matcher(catalog);
    if (old.find()) {
      return catalog.substring(0, old.start()) + entry + catalog.substring(old.end());
    }
    if (Pattern.compile("(?m)^  \"?" + Pattern.quote(name) + "\"? \\{").matcher(catalog).find()) {
      throw new IllegalArgumentException(
          "the catalog's entry "
              + name
              + " was not written by publish.sh: "
              + "publish under another name");
    }
    Matcher first = Pattern.compile("(?m)^  [\\w\"-]+ \\{[^}]*\\}\\n").matcher(catalog);
    if (!first.find()) {
      throw new IllegalArgumentException(
          "no model entry in the catalog to place " + name + " after");
    }
    return catalog.substring(0, first.end()) + entry + catalog.substring(first.end());
  }

  static String begin(String name) {
    return "<!-- "
        + name
        + ": begin (written by models/train/publish.sh; a new publish replaces it) -->";
  }

  static String end(String name) {
    return "<!-- " + name + ": end -->";
  }

  /**
   * The card with {@code section} (markers included) replacing the model's earlier section, or
   * appended.
   */
  static String withSection(String card, String name, String section) {
    int b = card.indexOf(begin(name));
    int e = card.indexOf(end(name));
    if (b >= 0 && e > b) {
      return card.substring(0, b) + section + card.substring(e + end(name).length() + 1);
    }
    return card + (card.endsWith("\n\n") ? "" : "\n") + section;
  }

  String markdown(long bytes, String sha256) {
    StringBuilder s = new StringBuilder();
    s.append(begin(name)).append('\n');
    s.append("## ").append(name).append("\n\n");
    s.append(
        String.format(
            Locale.ROOT,
            "File `models/%s.pb` (%,d bytes), sha256 `%s`. Trained by this project's "
                + "PyTorch trainer (`models/train/edsr_train.py`), from scratch (no third-party weights), and frozen by "
                + "its Java exporter into the graph layout of superres-edsr-x3: `DnnSuperResImpl(\"edsr\", %d)` runs "
                + "it.%n%n",
            name,
            bytes,
            sha256,
            shape.scale));
    s.append("| | |\n|---|---|\n");
    s.append(
        String.format(
            Locale.ROOT,
            "| shape | EDSR x%d, %d residual blocks of %d features, residual scaling "
                + "%s, %,d parameters |%n",
            shape.scale,
            shape.blocks,
            shape.feats,
            shape.resScale,
            shape.paramCount()));
    s.append(
        String.format(
            Locale.ROOT,
            "| data | %s: %s images, each also resized by %s (MATLAB bicubic), %s "
                + "training pairs; LR = MATLAB bicubic x1/%d of the modcropped HR. Set5 and Set14 never "
                + "trained on |%n",
            meta.getOrDefault("data", "?"),
            meta.getOrDefault("images", "?"),
            joined(config.path("extra_scales")),
            meta.getOrDefault("training_pairs", "?"),
            shape.scale));
    double minutes = config.path("minutes").asDouble();
    s.append(
        String.format(
            Locale.ROOT,
            "| training | %s steps in %s minutes on %s (PyTorch %s): batch %d of "
                + "%dx%d LR patches with random flips and rotations, L1 loss, Adam (0.9, 0.999, 1e-8), lr %.3g "
                + "(%d warm-up steps) then cosine to %.3g over %s; bf16 autocast for the body on CUDA; "
                + "seed %d |%n",
            meta.getOrDefault("steps", "?"),
            meta.getOrDefault("train_minutes", "?"),
            meta.getOrDefault("device", "?"),
            meta.getOrDefault("torch", "?"),
            config.path("batch").asInt(),
            config.path("patch").asInt(),
            config.path("patch").asInt(),
            config.path("lr").asDouble(),
            config.path("warmup").asInt(),
            config.path("lr_min").asDouble(),
            minutes > 0
                ? BigDecimal.valueOf(minutes).stripTrailingZeros().toPlainString()
                    + " minutes of wall time"
                : config.path("steps").asLong() + " steps",
            config.path("seed").asLong()));
    s.append(
        String.format(
            Locale.ROOT,
            "| targets | Set5 >= %.1f dB, Set14 >= %.1f dB: **%s** |%n%n",
            TARGET_SET5,
            TARGET_SET14,
            targetsMet() ? "met" : "not met"));

    s.append(
        "### Results (x3, Y channel, 3-pixel border shaved, LR by MATLAB bicubic from the modcropped HR)\n\n");
    s.append("| set | PSNR / SSIM | bicubic PSNR / SSIM |\n|---|---|---|\n");
    for (EvalReport r : reports) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | **%.3f / %.4f** | %.3f / %.4f |%n",
              r.dataset,
              r.model.meanPsnr,
              r.model.meanSsim,
              r.bicubic.meanPsnr,
              r.bicubic.meanSsim));
    }
    s.append(
        "\n### Set5 during training (the trainer's own evaluation, same protocol, PyTorch fp32)\n\n");
    s.append("| step | minutes | lr | PSNR | SSIM |\n|---|---|---|---|---|\n");
    for (String line : curve.subList(1, curve.size())) {
      String[] f = line.split("\t");
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f | %s | %s | %s |%n",
              f[0],
              Double.parseDouble(f[1]) / 60,
              f[2],
              f[3],
              f[4]));
    }
    for (EvalReport r : reports) {
      s.append("\n### ").append(r.dataset).append(" per image\n\n");
      s.append("| image | PSNR | SSIM | bicubic PSNR | bicubic SSIM |\n|---|---|---|---|---|\n");
      for (EvalReport.ImageScore i : r.images) {
        s.append(
            String.format(
                Locale.ROOT,
                "| %s | %.3f | %.4f | %.3f | %.4f |%n",
                i.name,
                i.psnr,
                i.ssim,
                i.bicubicPsnr,
                i.bicubicSsim));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "| **mean** | **%.3f** | **%.4f** | %.3f | %.4f |%n",
              r.model.meanPsnr,
              r.model.meanSsim,
              r.bicubic.meanPsnr,
              r.bicubic.meanSsim));
    }
    return s.append(end(name)).append('\n').toString();
  }

  private boolean targetsMet() {
    for (EvalReport r : reports) {
      double target =
          r.dataset.equals("Set5") ? TARGET_SET5 : r.dataset.equals("Set14") ? TARGET_SET14 : 0;
      if (r.model.meanPsnr < target) {
        return false;
      }
    }
    return true;
  }

  private static String joined(JsonNode array) {
    List<String> v = new ArrayList<>();
    array.forEach(n -> v.add(n.asText()));
    return v.isEmpty() ? "nothing else" : String.join(", ", v);
  }
}
