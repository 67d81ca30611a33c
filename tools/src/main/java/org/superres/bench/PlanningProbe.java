package org.superres.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.superres.cli.SparkSessions;
import org.superres.config.ConfigLoader;
import org.superres.config.JobSettings;
import org.superres.job.EnhanceJob;
import org.superres.plan.PlanWriter;

/**
 * Child-JVM entry point of the planning benchmark: a generated inventory of N inputs (Parquet: uri,
 * size, mtime; 1,000 inputs a directory, none of them read), then {@code enhance --plan-only} on it
 * in local mode, this JVM being the driver (and the executor). Prints the planning time, the heap's
 * peak use (sampled every 50 ms) and the process's peak RSS. Args: N WORK_DIR.
 */
public final class PlanningProbe {
  private PlanningProbe() {}

  public static void main(String[] args) throws Exception {
    long n = Long.parseLong(args[0]);
    Path work = Paths.get(args[1]);
    SparkSession spark =
        SparkSessions.create("superres planning bench", "local[2]", Map.of(), List.of());
    Path list = work.resolve("inventory-" + n);
    if (!Files.exists(list.resolve("_SUCCESS"))) {
      spark
          .range(n)
          .select(
              concat(
                      lit("file:/archive/scans/"),
                      format_string("%06d", col("id").divide(1000).cast("long")),
                      lit("/"),
                      format_string("%010d", col("id")),
                      lit(".png"))
                  .as("uri"),
              col("id").mod(9_000_000).plus(1_000_000).as("size"),
              lit(1_764_000_000_000L).plus(col("id")).as("mtime"))
          .write()
          .mode("overwrite")
          .parquet(list.toString());
    }
    JobSettings settings =
        JobSettings.from(
            ConfigLoader.load(
                null,
                List.of(
                    "input-lists=[\"" + list.toUri() + "\"]",
                    "input-root=file:/archive/scans",
                    "output.uri=" + work.resolve("out-" + n + "-" + System.nanoTime()).toUri(),
                    "report.enabled=false")));
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLong peakHeap = new AtomicLong();
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.setDaemon(true);
    sampler.start();
    long t0 = System.nanoTime();
    PlanWriter.Totals t = new EnhanceJob(spark, settings).planOnly();
    double seconds = (System.nanoTime() - t0) / 1e9;
    sampler.interrupt();
    spark.stop();
    System.out.printf(
        "PLANNING inputs=%d plan_seconds=%.1f heap_peak_mb=%d heap_max_mb=%d rss_peak_kb=%d"
            + " partitions=%d process=%d%n",
        t.inputs,
        seconds,
        peakHeap.get() >> 20,
        Runtime.getRuntime().maxMemory() >> 20,
        PeakRss.readStatusKb("VmHWM"),
        t.partitions,
        t.process);
  }
}
