package org.superres.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** --model and --scale, shorthands for model.name / model.uri and model.scale. */
public final class ModelOptions {
  @Option(
      names = "--model",
      paramLabel = "NAME_OR_URI",
      description = "a catalog name (superres models list) or a model file URI (a path or *.pb)")
  String model;

  @Option(names = "--scale", paramLabel = "N", description = "upscaling factor of --model")
  Integer scale;

  /** The options as --set lines. */
  public List<String> asSets() {
    List<String> sets = new ArrayList<>();
    if (model != null) {
      boolean uri = model.contains("/") || model.endsWith(".pb");
      sets.add((uri ? "model.uri=" : "model.name=") + model);
    }
    if (scale != null) {
      sets.add("model.scale=" + scale);
    }
    return sets;
  }
}
