package org.superres.plan;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.superres.manifest.ManifestRow;
import org.superres.manifest.ManifestWriter;
import org.superres.output.OutputLayout;

/**
 * What an incremental run ({@code incremental.since}) compares the listing with. For "last": the
 * inputs of the newest run under {@code <output>/_runs} that succeeded (its summary.json exists
 * with exit_code 0), from that run's manifest, joined to the listing: an input is unchanged when
 * that run saw the same URI with the same size and modification time and did not fail on it. For an
 * ISO time: an input is unchanged when it was not modified after that time. Unchanged inputs whose
 * output exists are skipped (with a note); changed ones are processed even when an older output
 * exists, since that output is stale.
 */
public final class IncrementalBaseline implements Serializable {
  private static final long serialVersionUID = 2L;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The run compared with (since=last), or null. */
  public final String baselineRunId;

  /** The time compared with (since=ISO, epoch ms), or null. */
  private final Long sinceMillis;

  private final String reason;

  /** The baseline run's inputs (base_uri, base_bytes, base_mtime); only on the driver. */
  private final transient Dataset<Row> seen;

  private IncrementalBaseline(String runId, Long sinceMillis, String reason, Dataset<Row> seen) {
    this.baselineRunId = runId;
    this.sinceMillis = sinceMillis;
    this.reason = reason;
    this.seen = seen;
  }

  /**
   * @param since null (not incremental: returns null), "last", or an ISO-8601 instant
   * @return null when the run is not incremental or no earlier run succeeded (all is then new)
   */
  public static IncrementalBaseline load(SparkSession spark, OutputLayout layout, String since)
      throws IOException {
    if (since == null) {
      return null;
    }
    if (!"last".equals(since)) {
      Instant t = Instant.parse(since);
      return new IncrementalBaseline(
          null, t.toEpochMilli(), "not modified since " + t + " (incremental.since)", null);
    }
    String runId = lastSuccessfulRun(spark.sparkContext().hadoopConfiguration(), layout);
    if (runId == null) {
      return null;
    }
    Dataset<Row> seen =
        new ManifestWriter(spark, layout, runId)
            .read()
            .filter(
                col("status")
                    .isin(ManifestRow.OK, ManifestRow.SKIPPED)
                    .and(col("input_mtime").isNotNull()))
            .select(
                col("input_uri").as("base_uri"),
                col("input_bytes").as("base_bytes"),
                col("input_mtime").as("base_mtime"));
    return new IncrementalBaseline(
        runId, null, "unchanged since run " + runId + " (incremental.since=last)", seen);
  }

  /** The listing with what the baseline run saw of each input (nulls where it saw nothing). */
  public Dataset<Row> joinTo(Dataset<Row> listed) {
    if (seen == null) {
      return withoutBaseline(listed);
    }
    return listed
        .join(seen, listed.col("uri").equalTo(seen.col("base_uri")), "left")
        .drop("base_uri");
  }

  /** The listing with empty baseline columns (not incremental, or compared by time). */
  public static Dataset<Row> withoutBaseline(Dataset<Row> listed) {
    return listed
        .withColumn("base_bytes", lit(null).cast(DataTypes.LongType))
        .withColumn("base_mtime", lit(null).cast(DataTypes.StringType));
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
    ids.sort(Comparator.reverseOrder());
    for (String id : ids) {
      Path summary = new Path(layout.runDir(id), "summary.json");
      try (InputStream in = fs.open(summary)) {
        JsonNode s = JSON.readTree(in);
        if (s.path("exit_code").asInt(-1) == 0) {
          return id;
        }
      } catch (FileNotFoundException e) {
        // a run that never finished (driver killed), or a plan: not a baseline
      } catch (IOException e) {
        // an unreadable summary is no evidence of success
      }
    }
    return null;
  }

  /** Whether the input is as the baseline saw it, so that its existing output is current. */
  public boolean unchanged(long size, Long mtime, Long baseBytes, String baseMtime) {
    if (sinceMillis != null) {
      return mtime != null && mtime <= sinceMillis;
    }
    return baseBytes != null
        && mtime != null
        && baseBytes == size
        && Instant.ofEpochMilli(mtime).toString().equals(baseMtime);
  }

  /** Whether the baseline knew the input with other contents (its existing output is stale). */
  public boolean changed(long size, Long mtime, Long baseBytes, String baseMtime) {
    if (sinceMillis != null) {
      return !unchanged(size, mtime, baseBytes, baseMtime);
    }
    return baseBytes != null && !unchanged(size, mtime, baseBytes, baseMtime);
  }

  /** The manifest note of a skipped unchanged input. */
  public String reason() {
    return reason;
  }
}
