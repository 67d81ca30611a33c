package org.superres.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Result of an {@code eval} run; serializes to the JSON of the architecture contract: {@code
 * {"dataset","scale","model":{"name","sha256","mean_psnr","mean_ssim"},"bicubic":{"mean_psnr","mean_ssim"},
 * "images":[{"name","psnr","ssim","bicubic_psnr","bicubic_ssim"}]}}.
 */
@JsonPropertyOrder({"dataset", "scale", "model", "bicubic", "images"})
public final class EvalReport {

  /** The model's summary. */
  @JsonPropertyOrder({"name", "sha256", "mean_psnr", "mean_ssim"})
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public static final class ModelSummary {
    @JsonProperty("name")
    public final String name;

    @JsonProperty("sha256")
    public final String sha256;

    @JsonProperty("mean_psnr")
    public final double meanPsnr;

    @JsonProperty("mean_ssim")
    public final double meanSsim;

    public ModelSummary(String name, String sha256, double meanPsnr, double meanSsim) {
      this.name = name;
      this.sha256 = sha256;
      this.meanPsnr = meanPsnr;
      this.meanSsim = meanSsim;
    }
  }

  /** Bicubic baseline summary. */
  @JsonPropertyOrder({"mean_psnr", "mean_ssim"})
  public static final class BicubicSummary {
    @JsonProperty("mean_psnr")
    public final double meanPsnr;

    @JsonProperty("mean_ssim")
    public final double meanSsim;

    public BicubicSummary(double meanPsnr, double meanSsim) {
      this.meanPsnr = meanPsnr;
      this.meanSsim = meanSsim;
    }
  }

  /** One image's scores. */
  @JsonPropertyOrder({"name", "psnr", "ssim", "bicubic_psnr", "bicubic_ssim"})
  public static final class ImageScore {
    @JsonProperty("name")
    public final String name;

    @JsonProperty("psnr")
    public final double psnr;

    @JsonProperty("ssim")
    public final double ssim;

    @JsonProperty("bicubic_psnr")
    public final double bicubicPsnr;

    @JsonProperty("bicubic_ssim")
    public final double bicubicSsim;

    public ImageScore(
        String name, double psnr, double ssim, double bicubicPsnr, double bicubicSsim) {
      this.name = name;
      this.psnr = psnr;
      this.ssim = ssim;
      this.bicubicPsnr = bicubicPsnr;
      this.bicubicSsim = bicubicSsim;
    }
  }

  @JsonProperty("dataset")
  public final String dataset;

  @JsonProperty("scale")
  public final int scale;

  @JsonProperty("model")
  public final ModelSummary model;

  @JsonProperty("bicubic")
  public final BicubicSummary bicubic;

  @JsonProperty("images")
  public final List<ImageScore> images;

  public EvalReport(
      String dataset,
      int scale,
      ModelSummary model,
      BicubicSummary bicubic,
      List<ImageScore> images) {
    this.dataset = dataset;
    this.scale = scale;
    this.model = model;
    this.bicubic = bicubic;
    this.images = Collections.unmodifiableList(new ArrayList<>(images));
  }

  private static ObjectMapper mapper() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  public String toJson() {
    try {
      return mapper().writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize eval report", e);
    }
  }

  public void writeJson(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, toJson() + System.lineSeparator());
  }

  /** A fixed-width table: one row per image, then the means. */
  public String toTable() {
    StringBuilder sb = new StringBuilder();
    String fmt = "%-24s %9s %8s %9s %8s%n";
    sb.append(
        String.format(Locale.ROOT, "dataset %s, x%d, model %s%n", dataset, scale, model.name));
    sb.append(String.format(Locale.ROOT, fmt, "image", "PSNR", "SSIM", "bic PSNR", "bic SSIM"));
    String row = "%-24s %9.3f %8.4f %9.3f %8.4f%n";
    for (ImageScore s : images) {
      sb.append(
          String.format(Locale.ROOT, row, s.name, s.psnr, s.ssim, s.bicubicPsnr, s.bicubicSsim));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            row,
            "mean",
            model.meanPsnr,
            model.meanSsim,
            bicubic.meanPsnr,
            bicubic.meanSsim));
    return sb.toString();
  }
}
