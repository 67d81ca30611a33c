package org.superres.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.superres.config.Redaction;

/** Exit codes and one-line errors of the command line. */
class MainTest {

  private static String[] run(int expectedExit, String... argv) {
    PrintStream err = System.err;
    PrintStream out = System.out;
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    try {
      assertEquals(
          expectedExit, Main.run(argv), "exit code of " + String.join(" ", argv) + ": " + e);
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
    return new String[] {o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void usageErrorsExitTwoWithOneLine() {
    String err = run(2, "enhance", "--output", "/tmp/x")[1];
    assertTrue(err.startsWith("superres: error: no input"), err);
    assertEquals(1, err.trim().split("\n").length, "one line: " + err);
    assertTrue(run(2, "enhance", "--inptu", "x")[1].contains("unknown option --inptu"));
    assertTrue(run(2, "upscale")[1].contains("unknown command 'upscale'"));
    assertTrue(
        run(2, "enhance", "--input", "/tmp/x", "--output", "/tmp/y", "--set", "tiling.tile=-1")[1]
            .contains("tiling.tile"));
  }

  @Test
  void helpExitsZero() {
    assertTrue(run(0, "--help")[0].contains("usage: superres"));
  }

  @Test
  void missingInputIsAClearConfigError() {
    String err =
        run(
            2,
            "enhance",
            "--input",
            "/nonexistent/dir/*.png",
            "--output",
            "/tmp/superres-never",
            "--model",
            "/nonexistent/FSRCNN_x3.pb")[1];
    assertTrue(err.contains("superres: error:"), err);
  }

  @Test
  void modelsListShowsTheCatalog() {
    String out = run(0, "models", "list")[0];
    assertTrue(out.contains("EDSR_x3"), out);
    assertTrue(out.contains("FSRCNN_x3"), out);
  }

  @Test
  void secretsAreScrubbedFromMessages() {
    assertEquals(
        "bad fs.s3a.secret.key=*** here", Redaction.scrub("bad fs.s3a.secret.key=abc123XYZ here"));
    assertEquals(
        "fs.s3a.access.key=*** and session=***",
        Redaction.scrub("fs.s3a.access.key=AKIA123 and session=tok"));
    assertEquals(
        "user=scanner, access=READ_EXECUTE", Redaction.scrub("user=scanner, access=READ_EXECUTE"));
  }
}
