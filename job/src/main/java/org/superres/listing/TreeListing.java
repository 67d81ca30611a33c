package org.superres.listing;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superres.config.ConfigError;

/**
 * Lists directory trees, globs and files into a Dataset of {@link ListedFile} rows. The driver
 * walks the top of the trees itself; when a tree has more directories than {@code
 * parallelThreshold} (or a directory more entries than the driver keeps), the rest is listed by
 * executors, one task per directory, as Spark's own file index does. A file listed twice (two
 * inputs, or a link) is kept once: the first input's, reached without a link if it can be.
 */
public final class TreeListing {
  private static final Logger LOG = LoggerFactory.getLogger(TreeListing.class);

  /** Entries the driver keeps before it hands the rest of a listing to the executors. */
  static final int DRIVER_ENTRIES = 100_000;

  private final SparkSession spark;
  private final Configuration hadoop;
  private final ListingRules rules;
  private final int parallelThreshold;
  private final boolean outputTree;

  private TreeListing(
      SparkSession spark, ListingRules rules, int parallelThreshold, boolean outputTree) {
    this.spark = spark;
    this.hadoop = spark.sparkContext().hadoopConfiguration();
    this.rules = rules;
    this.parallelThreshold = parallelThreshold;
    this.outputTree = outputTree;
  }

  /** A listing of inputs: local disks with their links and special files, the rest via Hadoop. */
  public static TreeListing ofInputs(
      SparkSession spark, ListingRules rules, int parallelThreshold) {
    return new TreeListing(spark, rules, parallelThreshold, false);
  }

  /**
   * A listing of an output tree: every visible file, through Hadoop on every file system, deleting
   * the temporaries of attempts killed before their rename on the way.
   */
  public static TreeListing ofOutputs(SparkSession spark, int parallelThreshold) {
    return new TreeListing(
        spark, new ListingRules(null, Collections.emptyList(), false), parallelThreshold, true);
  }

  /** A directory still to list, with the listing root and input it belongs to. */
  static final class DirTask implements Serializable {
    private static final long serialVersionUID = 1L;
    final String dir;
    final String root;
    final int source;

    DirTask(String dir, String root, int source) {
      this.dir = dir;
      this.root = root;
      this.source = source;
    }
  }

  /** Lists {@code inputs} (directories, globs, files), source i being inputs[i]. */
  public Dataset<Row> list(List<String> inputs) throws IOException {
    List<Row> driverRows = new ArrayList<>();
    Deque<DirTask> dirs = new ArrayDeque<>();
    LocalTreeWalker local = new LocalTreeWalker(rules, Collections.emptySet());
    HadoopTreeWalker remote = new HadoopTreeWalker(rules, hadoop, outputTree);
    for (int source = 0; source < inputs.size(); source++) {
      String input = inputs.get(source);
      Path pattern = new Path(input);
      FileSystem fs = pattern.getFileSystem(hadoop);
      FileStatus[] matches = fs.globStatus(pattern);
      if (matches == null || matches.length == 0) {
        throw new ConfigError("--input " + input + ": no such file or directory (nothing matches)");
      }
      String root = fs.makeQualified(listingRoot(pattern, matches)).toString();
      TreeWalker walker = isLocal(fs) && !outputTree ? local : remote;
      for (FileStatus m : matches) {
        String uri = m.getPath().toString();
        if (m.isDirectory()) {
          if (!rules.excluded(uri)) {
            dirs.add(new DirTask(uri, root, source));
          }
        } else {
          ListedFile f = walker.file(uri, root, source);
          if (f != null) {
            driverRows.add(f.toRow());
          }
        }
      }
    }
    int listed = 0;
    while (!dirs.isEmpty() && listed < parallelThreshold) {
      DirTask t = dirs.poll();
      List<Row> rows = new ArrayList<>();
      List<DirTask> below = new ArrayList<>();
      TreeWalker walker = localTask(t) ? local : remote;
      Iterator<ListedFile> it =
          walker.list(
              t.dir, t.root, t.source, false, d -> below.add(new DirTask(d, t.root, t.source)));
      while (it.hasNext() && driverRows.size() + rows.size() < DRIVER_ENTRIES) {
        rows.add(it.next().toRow());
      }
      if (it.hasNext()) {
        // a directory too large for the driver: an executor lists it, with all below it
        below.forEach(d -> local.forget(d.dir));
        dirs.addFirst(t);
        break;
      }
      driverRows.addAll(rows);
      dirs.addAll(below);
      listed++;
    }
    Dataset<Row> onDriver = spark.createDataFrame(driverRows, ListedFile.SCHEMA);
    if (dirs.isEmpty()) {
      return dedupe(onDriver);
    }
    LOG.info(
        "listing: {} directories listed on the driver, {} more by the executors",
        listed,
        dirs.size());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slices = Math.max(1, Math.min(dirs.size(), 4 * jsc.defaultParallelism()));
    JavaRDD<Row> byExecutors =
        jsc.parallelize(new ArrayList<>(dirs), slices)
            .mapPartitions(
                new ListDirectories(
                    rules,
                    new SerializableConfiguration(hadoop),
                    new ArrayList<>(local.visited()),
                    outputTree));
    return dedupe(onDriver.union(spark.createDataFrame(byExecutors, ListedFile.SCHEMA)));
  }

  /** Executor side: each task lists its directories recursively, streaming the entries. */
  static final class ListDirectories implements FlatMapFunction<Iterator<DirTask>, Row> {
    private static final long serialVersionUID = 1L;
    private final ListingRules rules;
    private final SerializableConfiguration hadoop;
    private final List<String> visitedByDriver;
    private final boolean outputTree;

    ListDirectories(
        ListingRules rules,
        SerializableConfiguration hadoop,
        List<String> visited,
        boolean outputTree) {
      this.rules = rules;
      this.hadoop = hadoop;
      this.visitedByDriver = visited;
      this.outputTree = outputTree;
    }

    @Override
    public Iterator<Row> call(Iterator<DirTask> tasks) {
      LocalTreeWalker local = new LocalTreeWalker(rules, visitedByDriver);
      HadoopTreeWalker remote = new HadoopTreeWalker(rules, hadoop.value(), outputTree);
      return new Iterator<Row>() {
        private Iterator<ListedFile> current = Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          while (!current.hasNext() && tasks.hasNext()) {
            DirTask t = tasks.next();
            TreeWalker w = t.dir.startsWith("file:") && !outputTree ? local : remote;
            try {
              current = w.list(t.dir, t.root, t.source, true, d -> {});
            } catch (IOException e) {
              throw new java.io.UncheckedIOException("cannot list " + t.dir, e);
            }
          }
          return current.hasNext();
        }

        @Override
        public Row next() {
          hasNext();
          return current.next().toRow();
        }
      };
    }
  }

  private boolean localTask(DirTask t) {
    return t.dir.startsWith("file:") && !outputTree;
  }

  /** One row per file: by real path on local disks, by URI elsewhere. */
  static Dataset<Row> dedupe(Dataset<Row> listed) {
    return listed
        .withColumn(
            "_first",
            row_number()
                .over(
                    Window.partitionBy(coalesce(col("real_path"), col("uri")))
                        .orderBy(col("source"), col("via_link"), col("uri"))))
        .filter(col("_first").equalTo(1))
        .drop("_first");
  }

  static boolean isLocal(FileSystem fs) {
    return "file".equals(fs.getUri().getScheme());
  }

  /** A plain directory is its own root; a glob's root is its last directory before any wildcard. */
  static Path listingRoot(Path pattern, FileStatus[] matches) {
    String p = pattern.toUri().getPath();
    if (!hasGlob(p)) {
      return matches.length == 1 && matches[0].isDirectory()
          ? matches[0].getPath()
          : matches[0].getPath().getParent();
    }
    Path root = pattern;
    while (root != null && hasGlob(root.toUri().getPath())) {
      root = root.getParent();
    }
    return root;
  }

  private static boolean hasGlob(String s) {
    return s.matches(".*[*?\\[{].*");
  }
}
