package org.superres.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.job.JobTestSupport;
import org.superres.testing.Fixtures;
import org.superres.testing.HostileCorpus;

/**
 * Exit and alerting through the command line: a folder of mostly bad files exceeds
 * failures.max-ratio, so the run finishes (every input has its row) with exit code 3, summary.json
 * counts the errors by kind, most frequent first, and the one error line names the dominant kinds.
 */
class FailureAlertTest {
  @TempDir Path dir;

  @Test
  void mostlyBadInputsExitWithThreeAndNameTheDominantErrors() throws Exception {
    Path model = Fixtures.ownModel();
    Path in = Files.createDirectories(dir.resolve("in"));
    byte[] png =
        HostileCorpus.png(
            HostileCorpus.gradient(24, 16, java.awt.image.BufferedImage.TYPE_3BYTE_BGR));
    Files.write(in.resolve("good.png"), png);
    for (int i = 0; i < 3; i++) {
      Files.writeString(in.resolve("notes" + i + ".jpg"), "not an image " + i + "\n");
    }
    Files.write(in.resolve("blank.png"), new byte[0]);
    Files.write(in.resolve("cut.png"), java.util.Arrays.copyOf(png, png.length / 2));
    Files.write(in.resolve("cut2.png"), java.util.Arrays.copyOf(png, png.length / 3));
    Path out = dir.resolve("out");

    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      exit =
          Main.run(
              new String[] {
                "enhance",
                "--input",
                in.toString(),
                "--output",
                out.toString(),
                "--model",
                model.toString(),
                "--master",
                "local[2]",
                "--set",
                "failures.max-ratio=0.25"
              });
    } finally {
      System.setErr(err);
    }
    String stderr = captured.toString(StandardCharsets.UTF_8);
    assertEquals(3, exit, stderr);

    String runId = JobTestSupport.runIds(out).get(0);
    assertEquals(7, JobTestSupport.manifest(out, runId).size(), "every input has its row");
    JsonNode summary = JobTestSupport.summary(out, runId);
    assertEquals(3, summary.get("exit_code").asInt());
    assertEquals(6, summary.at("/inputs/failed").asInt());
    JsonNode kinds = summary.get("errors_by_kind");
    assertEquals(3, kinds.get("not-an-image").asInt(), kinds.toString());
    assertEquals(2, kinds.get("decode").asInt(), kinds.toString());
    assertEquals(1, kinds.get("empty").asInt(), kinds.toString());
    List<String> order = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = kinds.fields(); it.hasNext(); ) {
      order.add(it.next().getKey());
    }
    assertEquals(List.of("not-an-image", "decode", "empty"), order, "most frequent kind first");
    assertEquals(
        6, summary.get("failed_examples").size(), summary.get("failed_examples").toString());
    assertTrue(
        stderr.contains("6 of 7 inputs failed")
            && stderr.contains("mostly not-an-image: 3, decode: 2, empty: 1"),
        stderr);
  }
}
