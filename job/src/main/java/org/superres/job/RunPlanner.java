package org.superres.job;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.superres.config.ConfigError;
import org.superres.config.JobSettings;
import org.superres.output.OutputLayout;
import org.superres.output.OutputStore;

/**
 * Decides, on the driver, what each listed input becomes: its output path, whether it is skipped,
 * and which partition it joins. Existing outputs are found with one recursive listing of the output
 * root, not one request per input.
 */
public final class RunPlanner {
  private final Configuration hadoop;
  private final JobSettings settings;
  private final OutputLayout layout;
  private IncrementalBaseline baseline;
  private long unchanged;

  public RunPlanner(Configuration hadoop, JobSettings settings, OutputLayout layout) {
    this.hadoop = hadoop;
    this.settings = settings;
    this.layout = layout;
  }

  /**
   * Makes the plan incremental: unchanged inputs are skipped, changed ones replace their stale
   * outputs.
   */
  public RunPlanner withBaseline(IncrementalBaseline baseline) {
    this.baseline = baseline;
    return this;
  }

  /** Inputs skipped because they are unchanged since the baseline (0 when not incremental). */
  public long unchangedCount() {
    return unchanged;
  }

  /** Decides every listed input's output and action, in listing order. */
  public List<PlannedInput> plan(List<InputFile> inputs) throws IOException {
    Set<String> existing = existingOutputs();
    Map<String, String> claimedBy = new HashMap<>();
    List<String> clashes = new ArrayList<>();
    List<PlannedInput> plan = new ArrayList<>(inputs.size());
    for (InputFile in : inputs) {
      String output;
      try {
        output = layout.imageUri(in.relativePath, settings.outputFormat);
      } catch (IllegalArgumentException e) {
        plan.add(PlannedInput.planError(in, null, e.getMessage()));
        continue;
      }
      String first = claimedBy.putIfAbsent(output, in.uri);
      if (first != null) {
        plan.add(
            PlannedInput.planError(
                in,
                output,
                "output "
                    + output
                    + " is already the output of "
                    + first
                    + " (same path, different extension); rename one of them"));
        continue;
      }
      if (existing.contains(output)
          && settings.outputMode == JobSettings.OutputMode.FAIL_IF_EXISTS) {
        clashes.add(output);
      }
      plan.add(decide(in, output, existing.contains(output)));
    }
    if (!clashes.isEmpty()) {
      throw new ConfigError(
          clashes.size()
              + " output(s) already exist, e.g. "
              + clashes.get(0)
              + " (output.mode=fail-if-exists); use skip-existing or overwrite, or another --output");
    }
    return plan;
  }

  /** An input whose output path is its own: skipped when its existing output is current. */
  private PlannedInput decide(InputFile in, String output, boolean outputExists) {
    if (!outputExists) {
      return PlannedInput.process(in, output);
    }
    if (baseline != null && baseline.unchanged(in)) {
      unchanged++;
      return PlannedInput.skip(in, output, baseline.reason());
    }
    boolean stale = baseline != null && baseline.changed(in); // its output predates the change
    if (settings.outputMode == JobSettings.OutputMode.SKIP_EXISTING && !stale) {
      return PlannedInput.skip(in, output, "output exists (output.mode=skip-existing)");
    }
    return PlannedInput.process(in, output);
  }

  private Set<String> existingOutputs() throws IOException {
    Set<String> found = new HashSet<>();
    Path root = new Path(layout.root());
    FileSystem fs = root.getFileSystem(hadoop);
    try {
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        LocatedFileStatus s = it.next();
        String below = s.getPath().toString().substring(layout.root().length());
        if (OutputStore.isTempName(s.getPath().getName()) && !below.contains("/_")) {
          // a partial image of an attempt killed before its rename (driver or executor death):
          // never an output
          fs.delete(s.getPath(), false);
          continue;
        }
        found.add(s.getPath().toString());
      }
    } catch (FileNotFoundException e) {
      // a new output root
    }
    return found; // both sides are qualified paths: the layout's root is qualified when the run
    // starts
  }

  /**
   * Rows one partition may hold, counting inputs with no image work (skipped, unplannable). They
   * still travel to an executor for their manifest row, but must not cost a task each: an
   * incremental night over a million unchanged scans is a few hundred tasks, not fifteen thousand.
   * About 0.5 KB serialised per input keeps a task well under Spark's large-task warning (1 MiB).
   */
  static final int MAX_ROWS_PER_PARTITION = 1000;

  /**
   * Groups inputs, in listing order, into partitions of about partitions.target-bytes and at most
   * partitions.max-files inputs to process each, so one partition of large scans costs about as
   * much as one of many small ones. Inputs without work count toward neither limit, only toward
   * MAX_ROWS_PER_PARTITION.
   */
  public static List<List<PlannedInput>> partitions(
      List<PlannedInput> inputs, long targetBytes, int maxFiles) {
    int maxRows = Math.max(maxFiles, MAX_ROWS_PER_PARTITION);
    List<List<PlannedInput>> parts = new ArrayList<>();
    List<PlannedInput> current = new ArrayList<>();
    long bytes = 0;
    int work = 0;
    for (PlannedInput in : inputs) {
      boolean hasWork = in.hasWork();
      long cost = hasWork ? in.input.size : 0;
      boolean full = work > 0 && (bytes + cost > targetBytes || (hasWork && work >= maxFiles));
      if (!current.isEmpty() && (full || current.size() >= maxRows)) {
        parts.add(current);
        current = new ArrayList<>();
        bytes = 0;
        work = 0;
      }
      current.add(in);
      bytes += cost;
      if (hasWork) work++;
    }
    if (!current.isEmpty()) {
      parts.add(current);
    }
    return parts;
  }
}
