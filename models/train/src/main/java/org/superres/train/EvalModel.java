package org.superres.train;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.bytedeco.opencv.global.opencv_core;
import org.superres.eval.EvalReport;
import org.superres.eval.Evaluator;

/**
 * Scores an exported model file through OpenCV's DnnSuperResImpl against MATLAB bicubic: {@code
 * EvalModel --model FILE.pb --dataset DIR [--kind edsr] [--scale 3] [--name NAME] [--json
 * OUT.json]}.
 */
public final class EvalModel {

  private EvalModel() {}

  public static void main(String[] args) throws Exception {
    Path model = null;
    Path dataset = null;
    Path json = null;
    String kind = "edsr";
    String name = null;
    int scale = 3;
    int threads = 2;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--model":
          model = Paths.get(args[i + 1]);
          break;
        case "--dataset":
          dataset = Paths.get(args[i + 1]);
          break;
        case "--json":
          json = Paths.get(args[i + 1]);
          break;
        case "--kind":
          kind = args[i + 1];
          break;
        case "--name":
          name = args[i + 1];
          break;
        case "--scale":
          scale = Integer.parseInt(args[i + 1]);
          break;
        case "--threads":
          threads = Integer.parseInt(args[i + 1]);
          break;
        default:
          throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (model == null || dataset == null) {
      System.err.println(
          "usage: EvalModel --model FILE.pb --dataset DIR [--kind edsr] [--scale 3] [--json F]");
      System.exit(2);
    }
    opencv_core.setNumThreads(threads);
    String modelName = name != null ? name : model.getFileName().toString();
    EvalReport rep;
    try (OpenCvSr sr = new OpenCvSr(model, kind, scale)) {
      rep =
          new Evaluator(scale)
              .evaluate(dataset, modelName, org.superres.engine.ModelSpec.sha256Of(model), sr);
    }
    System.out.print(rep.toTable());
    if (json != null) {
      rep.writeJson(json);
    }
  }
}
