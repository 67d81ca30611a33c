package org.superres.plan;

import static org.apache.spark.sql.functions.col;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.superres.config.ConfigError;
import org.superres.engine.FailureKind;
import org.superres.listing.ListedFile;
import org.superres.manifest.ManifestRow;
import org.superres.manifest.ManifestWriter;
import org.superres.output.OutputLayout;

/**
 * --retry-failed: the inputs whose rows failed in an earlier run, and only those, as a listing for
 * a new run. Each keeps the output path it had (the manifest has it), so the retry writes where the
 * failed run would have. Inputs that failed before they had an output path fail again, saying so.
 */
public final class RetryFailed {
  private RetryFailed() {}

  /** The run to retry: the given RUN_ID, or for "last" the newest run that finished. */
  public static String runId(Configuration hadoop, OutputLayout layout, String which)
      throws IOException {
    Path runs = new Path(layout.runsDir());
    FileSystem fs = runs.getFileSystem(hadoop);
    if (!"last".equals(which)) {
      if (!fs.exists(new Path(layout.runDir(which), "summary.json"))) {
        throw new ConfigError(
            "--retry-failed "
                + which
                + ": no finished run with that id under "
                + layout.runsDir()
                + " (its summary.json is missing)");
      }
      return which;
    }
    List<String> finished = new ArrayList<>();
    try {
      for (FileStatus d : fs.listStatus(runs)) {
        if (d.isDirectory() && fs.exists(new Path(d.getPath(), "summary.json"))) {
          finished.add(d.getPath().getName());
        }
      }
    } catch (FileNotFoundException e) {
      // no run yet
    }
    if (finished.isEmpty()) {
      throw new ConfigError("--retry-failed last: no finished run under " + layout.runsDir());
    }
    finished.sort(null);
    return finished.get(finished.size() - 1);
  }

  /** The failed inputs of {@code runId}, as {@link ListedFile} rows. */
  public static Dataset<Row> listed(SparkSession spark, OutputLayout layout, String runId) {
    Dataset<Row> failed =
        new ManifestWriter(spark, layout, runId)
            .read()
            .filter(col("status").equalTo(ManifestRow.FAILED))
            .select("input_uri", "output_uri", "input_bytes", "input_mtime", "error");
    return spark.createDataFrame(
        failed.javaRDD().map(new AsListed(layout.root(), runId)), ListedFile.SCHEMA);
  }

  /** A failed manifest row as a listed input whose relative path gives the same output path. */
  static final class AsListed implements Function<Row, Row>, Serializable {
    private static final long serialVersionUID = 1L;
    private final String root;
    private final String runId;

    AsListed(String root, String runId) {
      this.root = root;
      this.runId = runId;
    }

    @Override
    public Row call(Row r) {
      String input = r.getString(0);
      String output = r.getString(1);
      Long size = r.isNullAt(2) ? null : r.getLong(2);
      Long mtime = r.isNullAt(3) ? null : Instant.parse(r.getString(3)).toEpochMilli();
      String relative = relativeFor(input, output);
      if (relative == null) {
        String problem =
            "failed in run " + runId + " before it had an output path (" + r.getString(4) + ")";
        String name = input.substring(input.lastIndexOf('/') + 1);
        return new ListedFile(
                input, name, size, mtime, null, false, problem, 0, FailureKind.PLAN.label())
            .toRow();
      }
      return new ListedFile(input, relative, size, mtime, null, false, null, 0).toRow();
    }

    /** The output's path below the root, with the input's own extension (as listed). */
    private String relativeFor(String input, String output) {
      if (output == null || !output.startsWith(root + "/")) {
        return null;
      }
      String below = output.substring(root.length() + 1);
      int dot = below.lastIndexOf('.');
      String stem = dot > 0 ? below.substring(0, dot) : below;
      String name = input.substring(input.lastIndexOf('/') + 1);
      int inDot = name.lastIndexOf('.');
      return inDot > 0 ? stem + name.substring(inDot) : below;
    }
  }
}
