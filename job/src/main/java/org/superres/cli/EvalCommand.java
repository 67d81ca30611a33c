package org.superres.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code eval}: PSNR/SSIM of the model against MATLAB-bicubic on the dataset's HR images (the
 * standard SR protocol), as a table and as JSON. Runs the model through the same engine call as the
 * job (DnnSuperResImpl.upsample, untiled), on the CPU.
 */
@Command(
    name = "eval",
    description = "PSNR/SSIM of a model against bicubic on a dataset (standard SR protocol).")
final class EvalCommand implements Callable<Integer> {
  @Option(
      names = "--dataset",
      required = true,
      paramLabel = "DIR",
      description = "a folder with HR/*.png, e.g. ../shared/datasets/eval/Set5")
  Path dataset;

  @Option(names = "--json", paramLabel = "FILE", description = "also write the report as JSON")
  Path json;

  @Mixin ModelOptions model;
  @Mixin CommonOptions common;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(dataset)) {
      throw new ConfigError("--dataset " + dataset + ": no such directory");
    }
    JobSettings settings = common.settings(model.asSets());
    ResolvedModel resolved =
        new ModelResolver(new Configuration(), ModelCatalog.load()).resolve(settings);
    Path file = Path.of(new org.apache.hadoop.fs.Path(resolved.uri).toUri().getPath());
    ModelSpec spec = resolved.spec;
    EvalReport report;
    try (SuperResNet net = SuperResNet.load(spec, file, Device.CPU, settings.precision)) {
      report =
          new Evaluator(spec.scale()).evaluate(dataset, spec.name(), spec.sha256(), net::upsample);
    }
    System.out.print(report.toTable());
    if (json != null) {
      report.writeJson(json);
      System.out.println("wrote " + json);
    }
    return 0;
  }
}
