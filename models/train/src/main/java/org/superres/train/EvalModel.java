package org.superres.train;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.global.opencv_core;
import org.superres.engine.ModelSpec;
import org.superres.eval.EvalReport;
import org.superres.eval.Evaluator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Scores an exported model file through OpenCV's DnnSuperResImpl against MATLAB bicubic. */
@Command(
    name = "EvalModel",
    mixinStandardHelpOptions = true,
    description = "PSNR/SSIM (Y, MATLAB protocol) of a model file and of bicubic on a dataset.")
public final class EvalModel implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "FILE.pb")
  Path model;

  @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "HR images")
  Path dataset;

  @Option(names = "--json", paramLabel = "FILE", description = "write the report as JSON")
  Path json;

  @Option(names = "--kind", defaultValue = "edsr", description = "edsr|espcn|fsrcnn|lapsrn")
  String kind;

  @Option(names = "--name", description = "the model's name in the report (its file name)")
  String name;

  @Option(names = "--scale", defaultValue = "3")
  int scale;

  @Option(names = "--threads", defaultValue = "2", description = "OpenCV threads")
  int threads;

  public static void main(String[] args) {
    System.exit(new CommandLine(new EvalModel()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    opencv_core.setNumThreads(threads);
    String modelName = name != null ? name : model.getFileName().toString();
    EvalReport rep;
    try (OpenCvSr sr = new OpenCvSr(model, kind, scale)) {
      rep = new Evaluator(scale).evaluate(dataset, modelName, ModelSpec.sha256Of(model), sr);
    }
    System.out.print(rep.toTable());
    if (json != null) {
      rep.writeJson(json);
    }
    return 0;
  }
}
