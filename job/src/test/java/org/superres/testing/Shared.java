package org.superres.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The read-only ../shared folder beside the repository: third-party models and evaluation datasets. */
public final class Shared {
  private Shared() {}

  /** The repository root: the parent of the job module the tests run in. */
  public static Path repoRoot() {
    Path cwd = Paths.get("").toAbsolutePath();
    return Files.isDirectory(cwd.resolve("job")) ? cwd : cwd.getParent();
  }

  public static Path dir() {
    return repoRoot().resolve("../shared").normalize();
  }

  /** A file under ../shared; the test is skipped, with a message saying so, when it is absent. */
  public static Path require(String relative) {
    Path p = dir().resolve(relative);
    assumeTrue(Files.exists(p), "skipped: " + p + " is absent (../shared is not beside this checkout)");
    return p;
  }

  public static Path opencvModel(String file) {
    return require("models/opencv-dnn-superres/" + file);
  }
}
