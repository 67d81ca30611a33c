package org.superres.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.superres.cli.SparkSessions;

/**
 * Spark task slots (local[N]) against OpenCV's inference threads (device.threads), on the same
 * images: the cores are shared between the two on purpose, and this finds the split that is fastest
 * here.
 */
final class ThreadsMatrix {
  private final BenchOptions o;
  private final BenchModel model;
  private final List<String> jobSets;

  ThreadsMatrix(BenchOptions o, BenchModel model, List<String> jobSets) {
    this.o = o;
    this.model = model;
    this.jobSets = jobSets;
  }

  /** One entry per (slots, threads): median images/s and MP/s over interleaved repeats. */
  List<Map<String, Object>> run(Path inputs, Path out) throws Exception {
    Map<String, List<PassResult>> passes = new LinkedHashMap<>();
    for (int rep = 0; rep < o.matrixRepeats; rep++) {
      for (int i = 0; i < o.matrixSlots.length; i++) {
        int slots = o.matrixSlots[(i + rep) % o.matrixSlots.length];
        // One SparkContext per JVM: each slot count is its own session, rebuilt every repeat.
        SparkSession spark =
            SparkSessions.create(
                "superres bench threads",
                "local[" + slots + "]",
                new LinkedHashMap<>(),
                new ArrayList<>());
        try {
          JobPass job = new JobPass(spark, model, jobSets);
          for (int j = 0; j < o.matrixThreads.length; j++) {
            int threads = o.matrixThreads[(j + rep) % o.matrixThreads.length];
            PassResult r = job.run(inputs, out, threads);
            passes.computeIfAbsent(slots + "x" + threads, k -> new ArrayList<>()).add(r);
            Bench.log(
                String.format(
                    "threads matrix: local[%d] device.threads=%d  %.3f MP/s",
                    slots, threads, r.megapixelsPerSecond()));
          }
        } finally {
          spark.stop();
        }
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int slots : o.matrixSlots) {
      for (int threads : o.matrixThreads) {
        List<PassResult> rs = passes.get(slots + "x" + threads);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("slots", slots);
        row.put("threads", threads);
        row.put("images_per_second", Stats.median(map(rs, PassResult::imagesPerSecond)));
        row.put(
            "input_megapixels_per_second", Stats.median(map(rs, PassResult::megapixelsPerSecond)));
        rows.add(row);
      }
    }
    return rows;
  }

  private static List<Double> map(
      List<PassResult> rs, java.util.function.ToDoubleFunction<PassResult> f) {
    List<Double> v = new ArrayList<>();
    rs.forEach(r -> v.add(f.applyAsDouble(r)));
    return v;
  }
}
