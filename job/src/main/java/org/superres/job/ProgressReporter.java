package org.superres.job;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple4;
import scala.collection.JavaConverters;

/**
 * Prints "done/total, images/s, ETA" every few seconds. Running tasks report their image counter
 * through executor heartbeats (as the Spark UI's live accumulators do), finished tasks through
 * their final value; failed attempts are not counted, since their inputs are processed again.
 */
public final class ProgressReporter extends SparkListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

  private final long accumulatorId;
  private final long total;
  private final long startNanos = System.nanoTime();
  private final Map<Long, Long> running = new ConcurrentHashMap<>();
  private final AtomicLong finished = new AtomicLong();
  private final ScheduledExecutorService timer;

  public ProgressReporter(LongAccumulator imagesDone, long total, int intervalSeconds) {
    this.accumulatorId = imagesDone.id();
    this.total = total;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "superres-progress");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(this::log, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    for (Tuple4<Object, Object, Object, scala.collection.Seq<AccumulableInfo>> t :
        JavaConverters.seqAsJavaList(update.accumUpdates())) {
      Long value = valueOf(t._4());
      if (value != null) {
        running.put((Long) t._1(), value);
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    running.remove(end.taskInfo().taskId());
    if (end.taskInfo().successful()) {
      Long value = valueOf(end.taskInfo().accumulables());
      if (value != null) {
        finished.addAndGet(value);
      }
    }
  }

  private Long valueOf(scala.collection.Seq<AccumulableInfo> infos) {
    for (AccumulableInfo info : JavaConverters.seqAsJavaList(infos)) {
      if (info.id() == accumulatorId && info.update().isDefined()) {
        return ((Number) info.update().get()).longValue();
      }
    }
    return null;
  }

  public long done() {
    long inFlight = 0;
    for (long v : running.values()) {
      inFlight += v;
    }
    return Math.min(total, finished.get() + inFlight);
  }

  void log() {
    long done = done();
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double rate = done / Math.max(seconds, 1e-3);
    String eta = rate > 0 ? formatDuration((long) ((total - done) / rate)) : "unknown";
    LOG.info(
        String.format(
            "progress: %d/%d images (%.1f%%), %.2f images/s, ETA %s",
            done, total, total == 0 ? 100.0 : 100.0 * done / total, rate, eta));
  }

  static String formatDuration(long s) {
    return s >= 3600
        ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
