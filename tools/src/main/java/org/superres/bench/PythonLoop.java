package org.superres.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's peer: the Python loop a user would write instead (Debian's python3-opencv, its own
 * dnn_superres, model loaded once, whole images), on the same images and model, as a bench mode.
 * Absent when /usr/bin/python3 has no cv2.dnn_superres; the bench then says so.
 */
final class PythonLoop {
  static final String PYTHON = "/usr/bin/python3";

  private final BenchModel model;
  private final int threads;
  private final Path script;

  private PythonLoop(BenchModel model, int threads, Path script) {
    this.model = model;
    this.threads = threads;
    this.script = script;
  }

  /** The loop, or null (and why, logged) where Python's OpenCV is missing. */
  static PythonLoop create(BenchModel model, int threads, Path work) throws IOException {
    String version = probe();
    if (version == null) {
      Bench.log(
          "python peer skipped: "
              + PYTHON
              + " has no cv2.dnn_superres (apt-get install python3-opencv)");
      return null;
    }
    Bench.log("python peer: OpenCV " + version + " of " + PYTHON);
    Path script = work.resolve("dnn_superres_loop.py");
    try (InputStream in = PythonLoop.class.getResourceAsStream("dnn_superres_loop.py")) {
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    return new PythonLoop(model, threads, script);
  }

  private static String probe() {
    try {
      Process p =
          new ProcessBuilder(
                  PYTHON,
                  "-c",
                  "import cv2; cv2.dnn_superres.DnnSuperResImpl_create(); print(cv2.__version__)")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor() == 0 ? out : null;
    } catch (IOException | InterruptedException e) {
      return null;
    }
  }

  /** One pass over {@code inputs}; the loop's own timing (its process start is not counted). */
  PassResult run(List<Path> inputs, Path outDir) throws IOException, InterruptedException {
    Files.createDirectories(outDir);
    List<String> cmd = new ArrayList<>();
    cmd.add(PYTHON);
    cmd.add(script.toString());
    cmd.add(model.file.toString());
    cmd.add(model.spec.kind().opencvName());
    cmd.add(Integer.toString(model.spec.scale()));
    cmd.add(Integer.toString(threads));
    cmd.add(outDir.toString());
    inputs.forEach(p -> cmd.add(p.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("python peer failed: " + out);
    }
    JsonNode r = new ObjectMapper().readTree(out.substring(out.lastIndexOf('\n') + 1));
    Map<String, Double> stages = new LinkedHashMap<>();
    stages.put("load", 0.0);
    for (Iterator<Map.Entry<String, JsonNode>> it = r.get("stage_ms").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      stages.put(e.getKey(), e.getValue().asDouble());
    }
    PassResult result =
        new PassResult(
            r.get("images").asInt(), r.get("pixels").asLong(), r.get("seconds").asDouble(), stages);
    result.extra.put("opencv", r.get("opencv").asText());
    return result;
  }
}
