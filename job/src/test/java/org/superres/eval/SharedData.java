package org.superres.eval;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates {@code <repo root>/../shared} (repo root = this Maven module's parent dir); skips when absent. */
final class SharedData {

    private SharedData() {
    }

    static Path shared() {
        Path module = Paths.get("").toAbsolutePath();
        return module.getParent().resolve("..").resolve("shared").normalize();
    }

    static Path evalSet(String name) {
        Path p = shared().resolve("datasets").resolve("eval").resolve(name);
        assumeTrue(Files.isDirectory(p.resolve("HR")),
                "skipped: benchmark set " + name + " not found at " + p + " (needs ../shared beside the repo)");
        return p;
    }
}
