package org.superres.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;
import org.superres.config.ConfigError;
import org.superres.config.JobSettings;
import org.superres.engine.Device;
import org.superres.engine.ModelSpec;
import org.superres.engine.SuperResNet;
import org.superres.eval.EvalReport;
import org.superres.eval.Evaluator;
import org.superres.model.ModelCatalog;
import org.superres.model.ModelResolver;
import org.superres.model.ResolvedModel;

/**
 * {@code eval --dataset DIR [--model ...] [--scale N] [--json FILE]}: PSNR/SSIM of the model against
 * MATLAB-bicubic on the dataset's HR images (the standard SR protocol), as a table and as JSON. Runs the
 * model through the same engine call as the job (DnnSuperResImpl.upsample, untiled), on the CPU.
 */
final class EvalCommand {
  private EvalCommand() {}

  static int run(Args a) throws Exception {
    String dataset = a.one("dataset");
    if (dataset == null) {
      throw new ConfigError("eval needs --dataset DIR (a folder with HR/*.png, e.g. ../shared/datasets/eval/Set5)");
    }
    Path dir = Paths.get(dataset);
    if (!Files.isDirectory(dir)) {
      throw new ConfigError("--dataset " + dataset + ": no such directory");
    }
    JobSettings settings = Main.settings(a, false);
    ResolvedModel model = new ModelResolver(new Configuration(), ModelCatalog.load()).resolve(settings);
    Path file = Paths.get(new org.apache.hadoop.fs.Path(model.uri).toUri().getPath());
    ModelSpec spec = model.spec;
    EvalReport report;
    try (SuperResNet net = SuperResNet.load(spec, file, Device.CPU, settings.precision)) {
      report = new Evaluator(spec.scale()).evaluate(dir, spec.name(), spec.sha256(), net::upsample);
    }
    System.out.print(report.toTable());
    if (a.one("json") != null) {
      report.writeJson(Paths.get(a.one("json")));
      System.out.println("wrote " + a.one("json"));
    }
    return 0;
  }
}
