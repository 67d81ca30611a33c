package org.superres.job;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superres.output.GalleryFiles;
import org.superres.output.OutputStore;

/**
 * Removes what task attempts killed mid-write left behind: OutputStore writes an image to
 * ".NAME.tATTEMPT.tmp" beside its target on file systems with rename (HDFS, local), and a JVM
 * killed between create and rename never deletes it. Run on the driver after the job, over the
 * directories this run wrote to (one listing each), removing only temporaries of this run's outputs
 * and report assets. Object stores have no temporaries: an upload is visible whole or not at all.
 */
public final class TemporaryOutputSweeper {
  private static final Logger LOG = LoggerFactory.getLogger(TemporaryOutputSweeper.class);
  private static final Pattern ATTEMPT_SUFFIX = Pattern.compile("\\.t\\d+\\.tmp$");

  private final Configuration hadoop;

  public TemporaryOutputSweeper(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  private static void add(Map<String, Set<String>> namesByDir, Path target) {
    namesByDir
        .computeIfAbsent(target.getParent().toString(), d -> new HashSet<>())
        .add(target.getName());
  }

  /**
   * @return how many temporaries were removed
   */
  public int sweep(List<PlannedInput> plan) throws IOException {
    Map<String, Set<String>> namesByDir = new HashMap<>();
    for (PlannedInput in : plan) {
      if (!in.hasWork()) {
        continue;
      }
      add(namesByDir, new Path(in.outputUri));
      if (in.galleryPrefix != null) { // the report's gallery files are written the same way
        for (String suffix : GalleryFiles.SUFFIXES) {
          add(namesByDir, new Path(in.galleryPrefix + suffix));
        }
      }
    }
    int removed = 0;
    for (Map.Entry<String, Set<String>> e : namesByDir.entrySet()) {
      Path dir = new Path(e.getKey());
      FileSystem fs = dir.getFileSystem(hadoop);
      if (OutputStore.isObjectStore(fs.getUri().getScheme())) {
        continue;
      }
      FileStatus[] files;
      try {
        files = fs.listStatus(dir);
      } catch (FileNotFoundException gone) {
        continue;
      }
      for (FileStatus f : files) {
        String name = f.getPath().getName();
        if (f.isFile()
            && name.startsWith(".")
            && ATTEMPT_SUFFIX.matcher(name).find()
            && e.getValue().contains(ATTEMPT_SUFFIX.matcher(name.substring(1)).replaceFirst(""))
            && fs.delete(f.getPath(), false)) {
          LOG.info("removed {} left by a task attempt that died while writing it", f.getPath());
          removed++;
        }
      }
    }
    return removed;
  }
}
