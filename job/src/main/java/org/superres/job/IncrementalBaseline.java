package org.superres.job;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.superres.manifest.ManifestRow;
import org.superres.manifest.ManifestWriter;
import org.superres.output.OutputLayout;

/**
 * What an incremental run ({@code incremental.since}) compares the listing with. For "last": the
 * inputs of the newest run under {@code <output>/_runs} that succeeded (its summary.json exists
 * with exit_code 0), read from that run's manifest: an input is unchanged when that run saw the
 * same URI with the same size and modification time and did not fail on it. For an ISO time: an
 * input is unchanged when it was not modified after that time. Unchanged inputs whose output exists
 * are skipped (with a note), so a nightly run over a growing bucket costs in proportion to what is
 * new; changed inputs are processed even when an older output exists, since that output is stale.
 */
public final class IncrementalBaseline {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The run compared with (since=last), or null. */
  public final String baselineRunId;

  /** The time compared with (since=ISO), or null. */
  public final Instant sinceTime;

  /** input_uri -> "bytes/mtime" as the baseline run saw it (ok or skipped rows only). */
  private final Map<String, String> seen;

  private IncrementalBaseline(String baselineRunId, Instant sinceTime, Map<String, String> seen) {
    this.baselineRunId = baselineRunId;
    this.sinceTime = sinceTime;
    this.seen = seen;
  }

  /**
   * @param since null (not incremental: returns null), "last", or an ISO-8601 instant
   * @return null when the run is not incremental or no earlier run succeeded (everything is then
   *     new)
   */
  public static IncrementalBaseline load(SparkSession spark, OutputLayout layout, String since)
      throws IOException {
    if (since == null) {
      return null;
    }
    if (!"last".equals(since)) {
      return new IncrementalBaseline(null, Instant.parse(since), null);
    }
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String runId = lastSuccessfulRun(hadoop, layout);
    if (runId == null) {
      return null;
    }
    Map<String, String> seen = new HashMap<>();
    Iterator<Row> rows =
        new ManifestWriter(spark, layout, runId)
            .read()
            .filter(
                col("status")
                    .isin(ManifestRow.OK, ManifestRow.SKIPPED)
                    .and(col("input_mtime").isNotNull()))
            .select("input_uri", "input_bytes", "input_mtime")
            .toLocalIterator();
    while (rows.hasNext()) {
      Row r = rows.next();
      seen.put(r.getString(0), key(r.isNullAt(1) ? -1 : r.getLong(1), r.getString(2)));
    }
    return new IncrementalBaseline(runId, null, seen);
  }

  /** The newest RUN_ID below _runs whose summary.json says exit_code 0 (RUN_IDs sort by time). */
  static String lastSuccessfulRun(Configuration hadoop, OutputLayout layout) throws IOException {
    Path runs = new Path(layout.runsDir());
    FileSystem fs = runs.getFileSystem(hadoop);
    FileStatus[] dirs;
    try {
      dirs = fs.listStatus(runs);
    } catch (FileNotFoundException e) {
      return null;
    }
    List<String> ids = new ArrayList<>();
    for (FileStatus d : dirs) {
      if (d.isDirectory()) {
        ids.add(d.getPath().getName());
      }
    }
    ids.sort(java.util.Comparator.reverseOrder());
    for (String id : ids) {
      Path summary = new Path(layout.runDir(id), "summary.json");
      try (InputStream in = fs.open(summary)) {
        JsonNode s = JSON.readTree(in);
        if (s.path("exit_code").asInt(-1) == 0) {
          return id;
        }
      } catch (FileNotFoundException e) {
        // a run that never finished (driver killed): not a baseline
      } catch (IOException e) {
        // an unreadable summary is no evidence of success
      }
    }
    return null;
  }

  /** Whether the input is as the baseline saw it, so that its existing output is current. */
  public boolean unchanged(InputFile in) {
    if (sinceTime != null) {
      return in.modificationTime <= sinceTime.toEpochMilli();
    }
    return key(in.size, Instant.ofEpochMilli(in.modificationTime).toString())
        .equals(seen.get(in.uri));
  }

  /** Whether the baseline knew the input with other contents (its existing output is stale). */
  public boolean changed(InputFile in) {
    if (sinceTime != null) {
      return !unchanged(in);
    }
    return seen.containsKey(in.uri) && !unchanged(in);
  }

  /** The manifest note of a skipped unchanged input. */
  public String reason() {
    return sinceTime != null
        ? "not modified since " + sinceTime + " (incremental.since)"
        : "unchanged since run " + baselineRunId + " (incremental.since=last)";
  }

  private static String key(long bytes, String mtime) {
    return bytes + "/" + mtime;
  }
}
