package org.superres.gpucheck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.superres.engine.ModelKind;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The check's command-line options (a picocli mixin of {@link GpuCheck}). */
final class CheckOptions {
  @Option(
      names = "--model",
      paramLabel = "FILE.pb",
      description =
          "A model to measure besides superres-edsr-x3.pb (bundled in the jar, always measured);"
              + " repeat for several. Kind and scale come from the file name (FSRCNN_x3.pb) unless"
              + " given.")
  List<Path> models = new ArrayList<>();

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      description = "Kind of the --model files: ${COMPLETION-CANDIDATES}.")
  ModelKind kind;

  @Option(names = "--scale", paramLabel = "N", description = "Scale of the --model files.")
  Integer scale;

  @Option(
      names = "--gpu",
      paramLabel = "INDEX",
      description = "CUDA device index, as Spark's GPU address (default 0).")
  String gpu;

  @Option(
      names = {"--tiles", "--memory-tiles"},
      split = ",",
      paramLabel = "N",
      description =
          "LR tile sizes of the GPU throughput and memory figures (default: ${DEFAULT-VALUE}).")
  List<Integer> tiles = new ArrayList<>(Arrays.asList(128, 256, 512));

  @Option(
      names = "--tile",
      paramLabel = "N",
      description = "Measure the models on the GPU at this one tile only.")
  Integer modelTile;

  @Option(
      names = "--edsr-tile",
      paramLabel = "N",
      description = "Measure the EDSR-size graph on the GPU at this one tile only.")
  Integer edsrTile;

  @Option(
      names = "--seconds",
      paramLabel = "S",
      description = "Seconds per GPU throughput figure (default: ${DEFAULT-VALUE}).")
  double seconds = 2;

  @Option(
      names = "--images",
      paramLabel = "DIR",
      description =
          "Images for the whole-path figures (decode, upscale, encode; the first 16 files);"
              + " default: photo-like scenes made at run time, encoded as JPEG.")
  Path images;

  @Option(
      names = "--work",
      paramLabel = "DIR",
      description =
          "Where the EDSR-size graph (175 MB, reused) and the model copy are written"
              + " (default: $TMPDIR/superres-gpu-check).")
  Path work = Paths.get(System.getProperty("java.io.tmpdir"), "superres-gpu-check");

  @Option(names = "--skip-edsr", description = "Leave out the EDSR-size graph.")
  boolean skipEdsr;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Also write every figure to FILE as JSON, for tools.")
  Path json;

  /** Checks what picocli's types cannot: positive sizes, existing model files. */
  void validate(CommandSpec spec) {
    for (Path m : models) {
      if (!Files.isRegularFile(m)) {
        throw new ParameterException(spec.commandLine(), "--model " + m + " is not a file");
      }
    }
    for (int t : tiles) {
      positive(spec, "--tiles", t);
    }
    positive(spec, "--tile", modelTile);
    positive(spec, "--edsr-tile", edsrTile);
    positive(spec, "--scale", scale);
    if (!(seconds >= 0)) {
      throw new ParameterException(spec.commandLine(), "--seconds must be >= 0, got " + seconds);
    }
    if (images != null && !Files.isDirectory(images)) {
      throw new ParameterException(spec.commandLine(), "--images " + images + " is not a folder");
    }
  }

  /** GPU tiles for the models, or for the EDSR-size graph. */
  List<Integer> gpuTiles(boolean edsrSize) {
    Integer only = edsrSize ? edsrTile : modelTile;
    return only != null ? List.of(only) : tiles;
  }

  private static void positive(CommandSpec spec, String option, Integer value) {
    if (value != null && value <= 0) {
      throw new ParameterException(
          spec.commandLine(), option + " must be a positive integer, got " + value);
    }
  }
}
