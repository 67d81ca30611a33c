package org.superres.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.udf;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superres.output.GalleryFiles;
import org.superres.output.OutputStore;
import org.superres.plan.PlannedInput;

/**
 * Removes what task attempts killed mid-write left behind: OutputStore writes an image to
 * ".NAME.tATTEMPT.tmp" beside its target on file systems with rename (HDFS, local), and a JVM
 * killed between create and rename never deletes it. Runs after the job, on the executors, over the
 * directories this run wrote to (one listing each), removing only temporaries of this run's outputs
 * and gallery files. Object stores have no temporaries: an upload is whole or absent.
 */
public final class TemporaryOutputSweeper {
  private static final Logger LOG = LoggerFactory.getLogger(TemporaryOutputSweeper.class);
  private static final Pattern ATTEMPT_SUFFIX = Pattern.compile("\\.t\\d+\\.tmp$");

  private TemporaryOutputSweeper() {}

  /**
   * @param plan the laid-out plan rows (PlanLayout.SCHEMA)
   * @return how many temporaries were removed
   */
  public static long sweep(Dataset<Row> plan, Configuration hadoop) {
    Dataset<Row> written =
        plan.filter(col("action").equalTo(PlannedInput.Action.PROCESS.label()))
            .select(
                explode(
                        udf(
                                (UDF2<String, String, List<String>>)
                                    TemporaryOutputSweeper::targets,
                                DataTypes.createArrayType(DataTypes.StringType))
                            .apply(col("output_uri"), col("gallery_prefix")))
                    .as("target"));
    Dataset<Row> byDir =
        written
            .select(
                udf(
                        (org.apache.spark.sql.api.java.UDF1<String, String>)
                            t -> new Path(t).getParent().toString(),
                        DataTypes.StringType)
                    .apply(col("target"))
                    .as("dir"),
                udf(
                        (org.apache.spark.sql.api.java.UDF1<String, String>)
                            t -> new Path(t).getName(),
                        DataTypes.StringType)
                    .apply(col("target"))
                    .as("name"))
            .groupBy("dir")
            .agg(collect_set("name").as("names"));
    LongAccumulator removed = plan.sparkSession().sparkContext().longAccumulator("superres.swept");
    SerializableConfiguration conf = new SerializableConfiguration(hadoop);
    byDir.foreachPartition(
        (ForeachPartitionFunction<Row>)
            rows -> {
              while (rows.hasNext()) {
                Row r = rows.next();
                removed.add(sweepDir(r.getString(0), new HashSet<>(r.getList(1)), conf.value()));
              }
            });
    return removed.value();
  }

  /** The files written for one input: its output, and its gallery files when sampled. */
  static List<String> targets(String output, String galleryPrefix) {
    List<String> t = new ArrayList<>();
    t.add(output);
    if (galleryPrefix != null) {
      for (String suffix : GalleryFiles.SUFFIXES) {
        t.add(galleryPrefix + suffix);
      }
    }
    return t;
  }

  /** Removes the temporaries of {@code names} in one directory; returns how many. */
  static int sweepDir(String dir, Set<String> names, Configuration hadoop) throws IOException {
    Path d = new Path(dir);
    FileSystem fs = d.getFileSystem(hadoop);
    if (OutputStore.isObjectStore(fs.getUri().getScheme())) {
      return 0;
    }
    FileStatus[] files;
    try {
      files = fs.listStatus(d);
    } catch (FileNotFoundException gone) {
      return 0;
    }
    int removed = 0;
    for (FileStatus f : files) {
      String name = f.getPath().getName();
      if (f.isFile()
          && name.startsWith(".")
          && ATTEMPT_SUFFIX.matcher(name).find()
          && names.contains(ATTEMPT_SUFFIX.matcher(name.substring(1)).replaceFirst(""))
          && fs.delete(f.getPath(), false)) {
        LOG.info("removed {} left by a task attempt that died while writing it", f.getPath());
        removed++;
      }
    }
    return removed;
  }
}
