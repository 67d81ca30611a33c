package org.superres.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.global.opencv_core;
import org.superres.engine.ModelSpec;
import org.superres.eval.EvalReport;
import org.superres.eval.Evaluator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Publishes a finished training run (edsr_train.py's run dir): freezes its weights into {@code
 * models/NAME.pb}, scores it on Set5 and Set14 through OpenCV with the MATLAB-protocol evaluation
 * (JSON next to the weights), and writes the model's catalog entry (sha256, bytes) and its
 * model-card section (data, shape, steps, minutes, hardware, the Set5 curve, PSNR/SSIM per image
 * and mean), replacing those of an earlier publish.
 *
 * <p>{@code Publisher --run RUN_DIR --set5 DIR --set14 DIR [--name NAME] [--models-dir DIR]
 * [--threads N]}
 */
public final class Publisher {
  private final Path run;
  private final String name;
  private final Path modelsDir;

  Publisher(Path run, String name, Path modelsDir) {
    this.run = run;
    this.name = name;
    this.modelsDir = modelsDir;
  }

  /** Exports, evaluates on each dataset, updates the catalog and the card; returns the reports. */
  List<EvalReport> publish(List<Path> datasets) throws IOException {
    SafeTensors weights = SafeTensors.read(run.resolve("weights.safetensors"));
    Exporter.Shape shape = Exporter.Shape.of(weights);
    Path pb = modelsDir.resolve(name + ".pb");
    Exporter.write(Exporter.graphDef(weights), pb);
    String sha = ModelSpec.sha256Of(pb);
    List<EvalReport> reports = new ArrayList<>();
    try (OpenCvSr sr = new OpenCvSr(pb, "edsr", shape.scale)) {
      for (Path d : datasets) {
        EvalReport r = new Evaluator(shape.scale).evaluate(d, name, sha, sr);
        r.writeJson(run.resolve("eval-" + r.dataset + ".json"));
        System.out.print(r.toTable());
        reports.add(r);
      }
    }
    long bytes = Files.size(pb);
    Path catalog = modelsDir.resolve("catalog.conf");
    Files.writeString(
        catalog,
        ModelCard.withCatalogEntry(
            Files.readString(catalog),
            name,
            ModelCard.catalogEntry(
                name, shape, weights.metadata.getOrDefault("device", "?"), bytes, sha)));
    JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
    String section =
        new ModelCard(
                name,
                shape,
                weights.metadata,
                config,
                Files.readAllLines(run.resolve("eval.tsv")),
                reports)
            .markdown(bytes, sha);
    Path card = modelsDir.resolve("MODEL_CARD.md");
    Files.writeString(card, ModelCard.withSection(Files.readString(card), name, section));
    System.out.printf(
        Locale.ROOT,
        "%s: %s (%,d bytes, sha256 %s); catalog entry and model card section in %s%n",
        name,
        pb,
        bytes,
        sha,
        modelsDir);
    return reports;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Cli()).execute(args));
  }

  @Command(
      name = "Publisher",
      mixinStandardHelpOptions = true,
      description = "Freezes, scores and catalogs a finished training run (see publish.sh).")
  static final class Cli implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "RUN_DIR")
    Path run;

    @Option(names = "--name", defaultValue = "superres-edsr-x3-hq")
    String name;

    @Option(names = "--models-dir", defaultValue = "models", paramLabel = "DIR")
    Path models;

    @Option(names = "--set5", required = true, paramLabel = "DIR")
    Path set5;

    @Option(names = "--set14", required = true, paramLabel = "DIR")
    Path set14;

    @Option(names = "--threads", description = "OpenCV threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws IOException {
      opencv_core.setNumThreads(threads);
      new Publisher(run, name, models).publish(List.of(set5, set14));
      return 0;
    }
  }
}
