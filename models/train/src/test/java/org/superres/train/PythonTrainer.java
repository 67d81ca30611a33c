package org.superres.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs models/train/edsr_train.py under the Python that has PyTorch: {@code $SUPERRES_PYTHON}, else
 * /usr/bin/python3 (Debian's python3-torch, python3-numpy, python3-pil). Tests that need it are
 * skipped, with the reason, where that Python lacks them.
 */
final class PythonTrainer {
  static final Path MODULE_DIR = Paths.get("").toAbsolutePath();
  static final String PYTHON = System.getenv().getOrDefault("SUPERRES_PYTHON", "/usr/bin/python3");
  private static Boolean available;

  private PythonTrainer() {}

  /** Skips the calling test unless the Python has torch, numpy and Pillow. */
  static synchronized void assumeAvailable() {
    if (available == null) {
      try {
        available = exec(List.of(PYTHON, "-c", "import torch, numpy, PIL"), 120).exitCode == 0;
      } catch (IOException e) {
        available = false;
      }
    }
    assumeTrue(
        available,
        PYTHON
            + " lacks torch, numpy or Pillow: skipped (apt-get install python3-torch "
            + "python3-numpy python3-pil, or set SUPERRES_PYTHON)");
  }

  /** Runs {@code edsr_train.py args...}; fails the test with its output unless it exits 0. */
  static String run(String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(List.of(PYTHON, MODULE_DIR.resolve("edsr_train.py").toString()));
    cmd.addAll(Arrays.asList(args));
    return check(cmd, 600);
  }

  /**
   * Runs a Python snippet with models/train on its path; fails the test with its output unless it
   * exits 0.
   */
  static String script(String code) throws IOException {
    return check(
        List.of(PYTHON, "-c", "import sys; sys.path.insert(0, '" + MODULE_DIR + "')\n" + code),
        600);
  }

  static String check(List<String> cmd, int timeoutS) throws IOException {
    Result r = exec(cmd, timeoutS);
    assertEquals(0, r.exitCode, () -> String.join(" ", cmd) + " failed:\n" + r.output);
    return r.output;
  }

  static final class Result {
    final int exitCode;
    final String output;

    Result(int exitCode, String output) {
      this.exitCode = exitCode;
      this.output = output;
    }
  }

  static Result exec(List<String> cmd, int timeoutS) throws IOException {
    Path log = Files.createTempFile("edsr-train", ".log");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .directory(MODULE_DIR.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      boolean done = p.waitFor(timeoutS, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly().waitFor();
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      return done
          ? new Result(p.exitValue(), out)
          : new Result(-1, "timed out after " + timeoutS + " s\n" + out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
