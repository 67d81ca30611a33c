package org.superres.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.job.EnhanceJob;
import org.superres.testing.Fixtures;
import org.superres.testing.HostileCorpus;
import org.superres.testing.SparkTestBase;

/**
 * The manifest as tools other than Spark read it (Athena, BigQuery, DuckDB): DuckDB's own Parquet
 * reader finds every row, and the times as timestamps equal to the ISO-8601 string columns.
 */
class ManifestReadersTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void duckDbReadsTheManifestWithTypedTimes() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    byte[] png =
        HostileCorpus.png(
            HostileCorpus.gradient(20, 12, java.awt.image.BufferedImage.TYPE_3BYTE_BGR));
    Files.write(in.resolve("a.png"), png);
    Files.write(in.resolve("b.png"), png);
    Files.write(in.resolve("broken.png"), java.util.Arrays.copyOf(png, 40));
    Path out = dir.resolve("out");
    EnhanceJob.Outcome run =
        enhance(
            "input=[\"" + in.toUri() + "\"]",
            "output.uri=" + out.toUri(),
            "model.uri=" + Fixtures.ownModel().toUri(),
            "failures.max-ratio=1");

    String parquet = out.resolve("_manifest").toString() + "/*/*.parquet";
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement q = db.createStatement();
        ResultSet r =
            q.executeQuery(
                "SELECT status, finished_at, input_mtime, typeof(finished_at_ts),"
                    + " epoch_ms(finished_at_ts), epoch_ms(input_mtime_ts), error_kind"
                    + " FROM read_parquet('"
                    + parquet
                    + "') ORDER BY input_uri")) {
      int rows = 0;
      while (r.next()) {
        rows++;
        assertTrue(
            r.getString(4).startsWith("TIMESTAMP"), "a Parquet timestamp: " + r.getString(4));
        assertEquals(Instant.parse(r.getString(2)).toEpochMilli(), r.getLong(5), "finished_at_ts");
        assertEquals(Instant.parse(r.getString(3)).toEpochMilli(), r.getLong(6), "input_mtime_ts");
        if (rows == 3) {
          assertEquals("failed", r.getString(1), "broken.png");
          assertEquals("decode", r.getString(7));
        }
      }
      assertEquals(run.summary.totals.inputs.listed, rows, "every row, read by DuckDB");
    }
  }
}
