package org.superres.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the trainer's own unit tests (models/train/test_edsr_train.py), so CI runs them with the
 * Java ones.
 */
class PythonUnitTest {

  @Test
  void trainerUnitTestsPass() throws Exception {
    PythonTrainer.assumeAvailable();
    String out =
        PythonTrainer.check(
            List.of(PythonTrainer.PYTHON, "-m", "unittest", "-v", "test_edsr_train"), 600);
    assertTrue(out.contains("OK"), out);
    System.out.println(
        out.lines()
            .filter(l -> l.endsWith("ok") || l.contains("skipped") || l.startsWith("Ran"))
            .reduce("", (a, b) -> a + b + "\n"));
  }
}
