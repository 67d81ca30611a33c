package org.superres.plan;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Lays a plan out in Spark partitions, in plan order (by input, then URI), with the {@link
 * PartitionRule}, and picks the run report's gallery samples, evenly over the inputs to process.
 * The plan is cut into chunks of up to {@link #CHUNK_ROWS} rows that executors lay out in parallel,
 * each from its own first row; a plan of one chunk is laid out exactly as one sequence.
 */
public final class PlanLayout implements Serializable {
  private static final long serialVersionUID = 1L;

  static final long CHUNK_ROWS = 1_000_000;

  /** The plan rows with their partition (column "partition") and gallery prefix. */
  public static final StructType SCHEMA =
      PlannedInput.SCHEMA
          .add("partition", DataTypes.IntegerType, false)
          .add("gallery_prefix", DataTypes.StringType, true);

  private final long targetBytes;
  private final int filesPerPartition;

  public PlanLayout(long targetBytes, int filesPerPartition) {
    this.targetBytes = targetBytes;
    this.filesPerPartition = filesPerPartition;
  }

  /** A laid-out plan: rows with their partition, and how many partitions. */
  public static final class Result {
    public final Dataset<Row> rows;
    public final int partitions;
    public final int gallerySamples;

    Result(Dataset<Row> rows, int partitions, int gallerySamples) {
      this.rows = rows;
      this.partitions = partitions;
      this.gallerySamples = gallerySamples;
    }

    /** The inputs as the executors take them: partition i holds exactly partition i's rows. */
    public JavaRDD<PlannedInput> inputs() {
      JavaPairRDD<long[], PlannedInput> keyed =
          rows.javaRDD()
              .mapToPair(
                  r ->
                      new Tuple2<>(
                          new long[] {r.<Integer>getAs("partition"), r.<Long>getAs("seq")},
                          PlannedInput.of(r, r.getAs("gallery_prefix"))));
      return keyed
          .repartitionAndSortWithinPartitions(new ByPartition(partitions), new BySequence())
          .values();
    }
  }

  /**
   * @param samples inputs to sample for the gallery
   * @param galleryDir where their gallery files go
   */
  public Result layOut(SparkSession spark, Plan plan, int samples, String galleryDir) {
    int chunks = (int) Math.max(1, (plan.listed + CHUNK_ROWS - 1) / CHUNK_ROWS);
    Dataset<Row> chunked =
        plan.rows
            .repartitionByRange(chunks, col("source"), col("uri"))
            .sortWithinPartitions("source", "uri")
            .persist(StorageLevel.MEMORY_AND_DISK());
    // Pass 1: partitions and inputs to process per chunk, hence each chunk's first numbers.
    List<long[]> counts = chunked.javaRDD().mapPartitionsWithIndex(countChunk(), false).collect();
    long[][] firsts = firsts(counts, chunks);
    // Pass 2: the gallery's samples, the middle of each of n equal stretches of the inputs to
    // process.
    TreeSet<Long> picks = picks(plan.process, samples);
    Map<String, String> gallery = new HashMap<>();
    if (!picks.isEmpty()) {
      List<String> picked =
          chunked.javaRDD().mapPartitionsWithIndex(pickSamples(firsts, picks), false).collect();
      for (int k = 0; k < picked.size(); k++) {
        gallery.put(picked.get(k), String.format(Locale.ROOT, "%s/%05d", galleryDir, k));
      }
    }
    // Pass 3: each row's partition and gallery prefix.
    JavaRDD<Row> laid = chunked.javaRDD().mapPartitionsWithIndex(assign(firsts, gallery), false);
    int partitions = (int) firsts[chunks][0];
    Dataset<Row> rows =
        spark
            .createDataFrame(laid, SCHEMA.add("seq", DataTypes.LongType, false))
            .persist(StorageLevel.MEMORY_AND_DISK());
    rows.count(); // materialise before the chunks are released
    chunked.unpersist();
    return new Result(rows, partitions, gallery.size());
  }

  private Function2<Integer, Iterator<Row>, Iterator<long[]>> countChunk() {
    return (chunk, it) -> {
      PartitionRule rule = new PartitionRule(targetBytes, filesPerPartition);
      long partitions = 0;
      long process = 0;
      long rows = 0;
      while (it.hasNext()) {
        Row r = it.next();
        boolean work = isProcess(r);
        if (rule.next(work, r.getAs("size"))) {
          partitions++;
        }
        if (work) {
          process++;
        }
        rows++;
      }
      return List.of(new long[] {chunk, partitions, process, rows}).iterator();
    };
  }

  /**
   * firsts[c] = {first partition, first input to process, first row} of chunk c; [chunks] = totals.
   */
  private static long[][] firsts(List<long[]> counts, int chunks) {
    long[][] f = new long[chunks + 1][3];
    long[][] byChunk = new long[chunks][];
    for (long[] c : counts) {
      byChunk[(int) c[0]] = c;
    }
    for (int c = 0; c < chunks; c++) {
      long[] n = byChunk[c] == null ? new long[] {c, 0, 0, 0} : byChunk[c];
      f[c + 1][0] = f[c][0] + n[1];
      f[c + 1][1] = f[c][1] + n[2];
      f[c + 1][2] = f[c][2] + n[3];
    }
    return f;
  }

  static TreeSet<Long> picks(long process, int samples) {
    TreeSet<Long> picks = new TreeSet<>();
    long n = Math.min(samples, process);
    for (long k = 0; k < n; k++) {
      picks.add(((2 * k + 1) * process) / (2 * n));
    }
    return picks;
  }

  private static Function2<Integer, Iterator<Row>, Iterator<String>> pickSamples(
      long[][] firsts, TreeSet<Long> picks) {
    return (chunk, it) -> {
      long index = firsts[chunk][1];
      List<String> picked = new ArrayList<>();
      while (it.hasNext()) {
        Row r = it.next();
        if (isProcess(r)) {
          if (picks.contains(index)) {
            picked.add(r.getAs("uri"));
          }
          index++;
        }
      }
      return picked.iterator();
    };
  }

  private Function2<Integer, Iterator<Row>, Iterator<Row>> assign(
      long[][] firsts, Map<String, String> gallery) {
    long target = targetBytes;
    int files = filesPerPartition;
    return (chunk, it) -> {
      PartitionRule rule = new PartitionRule(target, files);
      long[] partition = {firsts[chunk][0] - 1};
      long[] seq = {firsts[chunk][2]};
      return new Iterator<Row>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Row next() {
          Row r = it.next();
          boolean work = isProcess(r);
          if (rule.next(work, r.getAs("size"))) {
            partition[0]++;
          }
          Object[] values = new Object[r.length() + 3];
          for (int i = 0; i < r.length(); i++) {
            values[i] = r.get(i);
          }
          values[r.length()] = (int) partition[0];
          values[r.length() + 1] = work ? gallery.get(r.<String>getAs("uri")) : null;
          values[r.length() + 2] = seq[0]++;
          return RowFactory.create(values);
        }
      };
    };
  }

  private static boolean isProcess(Row r) {
    return PlannedInput.Action.PROCESS.label().equals(r.getAs("action"));
  }

  /** Partition i of the run is laid-out partition i: the key's first number. */
  static final class ByPartition extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    ByPartition(int partitions) {
      this.partitions = Math.max(1, partitions);
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return (int) ((long[]) key)[0];
    }
  }

  /** Plan order within a partition: the key's second number. */
  static final class BySequence implements Comparator<long[]>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(long[] a, long[] b) {
      return Long.compare(a[1], b[1]);
    }
  }
}
