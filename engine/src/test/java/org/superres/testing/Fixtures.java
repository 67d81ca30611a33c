package org.superres.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where tests find models and data. Every test runs on the repository alone, with the project's own
 * model; only tests about third-party model kinds or the evaluation datasets use ../shared (never
 * part of a user's clone), and they are skipped with a message saying so when it is absent.
 */
public final class Fixtures {
  /** The bundled model's catalog name; its file is {@link #ownModel()}. */
  public static final String OWN_MODEL_NAME = "superres-edsr-x3";

  private Fixtures() {}

  /**
   * The repository root: the nearest directory above the working directory with
   * models/catalog.conf.
   */
  public static Path repoRoot() {
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("models/catalog.conf"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no repository root above " + Paths.get("").toAbsolutePath());
    }
    return dir;
  }

  /** The project's own EDSR x3 (models/superres-edsr-x3.pb): always present. */
  public static Path ownModel() {
    return repoRoot().resolve("models").resolve(OWN_MODEL_NAME + ".pb");
  }

  /** The committed sample images (job/samples). */
  public static Path samples() {
    return repoRoot().resolve("job/samples");
  }

  /** ../shared beside the repository (may be absent). */
  public static Path sharedDir() {
    return repoRoot().resolve("../shared").normalize();
  }

  /**
   * A third-party OpenCV model from ../shared (e.g. "FSRCNN_x3.pb"); skips the test when absent.
   */
  public static Path thirdPartyModel(String file) {
    return shared("models/opencv-dnn-superres/" + file);
  }

  /**
   * An evaluation set from ../shared (e.g. "Set5", with HR/ and x3/); skips the test when absent.
   */
  public static Path evalSet(String name) {
    return shared("datasets/eval/" + name);
  }

  /** A file or directory under ../shared; skips the test, saying why, when it is absent. */
  public static Path shared(String relative) {
    Path p = sharedDir().resolve(relative);
    assumeTrue(
        Files.exists(p),
        "skipped: "
            + p
            + " is absent (../shared, with third-party models and evaluation datasets,"
            + " is not beside this checkout; only tests about those need it)");
    return p;
  }
}
