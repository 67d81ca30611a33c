package org.superres.job;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import java.util.EnumMap;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.metrics.MetricsSystem;
import org.apache.spark.metrics.source.Source;
import org.superres.manifest.ManifestRow;

/**
 * The {@code superres} metrics source: images by status, bytes read and written, model loads and
 * per-stage times (ms histograms), in the metrics system of the JVM's Spark (driver or executor),
 * so that Spark's own sinks (Prometheus servlet, JMX, Graphite, CSV...) export it under
 * APP_ID.EXECUTOR_ID.superres.*. Executors fill the image metrics, the driver the run stages; in
 * local mode both are one JVM and one source.
 *
 * <p>A Source rather than a SparkPlugin: plugin metrics are registered as "plugin.CLASS_NAME" and
 * only where spark.plugins names the class, while a Source keeps its own name and is registered by
 * the job itself, whatever launched it. Source is Spark-internal API (stable since Spark 1.x).
 */
public final class SuperresMetrics implements Source {
  public static final String NAME = "superres";

  private static final Object LOCK = new Object();
  private static SuperresMetrics current;
  private static MetricsSystem currentOwner;

  private final MetricRegistry registry = new MetricRegistry();
  // Every metric exists before the source is registered: Spark copies the registry's metrics once.
  final Counter imagesOk = registry.counter("images.ok");
  final Counter imagesSkipped = registry.counter("images.skipped");
  final Counter imagesFailed = registry.counter("images.failed");
  final Counter bytesIn = registry.counter("bytes.in");
  final Counter bytesOut = registry.counter("bytes.out");
  final Counter modelLoads = registry.counter("model.loads");
  private final Histogram readMs = registry.histogram("image.read.ms");
  private final Histogram decodeMs = registry.histogram("image.decode.ms");
  private final Histogram inferMs = registry.histogram("image.infer.ms");
  private final Histogram encodeMs = registry.histogram("image.encode.ms");
  private final Histogram writeMs = registry.histogram("image.write.ms");
  private final Histogram totalMs = registry.histogram("image.total.ms");
  private final Map<JobStages.Stage, Histogram> stageMs = new EnumMap<>(JobStages.Stage.class);

  private SuperresMetrics() {
    for (JobStages.Stage s : JobStages.Stage.values()) {
      stageMs.put(s, registry.histogram("run." + s.slug() + ".ms"));
    }
  }

  /**
   * This JVM's source, registered with the running SparkEnv's metrics system on first use; a new
   * SparkContext in the same JVM (tests, notebooks) gets a new one, starting from zero.
   */
  public static SuperresMetrics get() {
    SparkEnv env = SparkEnv.get();
    MetricsSystem system = env == null ? null : env.metricsSystem();
    synchronized (LOCK) {
      if (current == null || system != currentOwner) {
        current = new SuperresMetrics();
        currentOwner = system;
        if (system != null) {
          system.registerSource(current);
        }
      }
      return current;
    }
  }

  @Override
  public String sourceName() {
    return NAME;
  }

  @Override
  public MetricRegistry metricRegistry() {
    return registry;
  }

  /** One input's manifest row, as an executor produced it. */
  void record(ManifestRow row) {
    if (ManifestRow.OK.equals(row.status)) {
      imagesOk.inc();
    } else if (ManifestRow.SKIPPED.equals(row.status)) {
      imagesSkipped.inc();
    } else {
      imagesFailed.inc();
    }
    if (row.readMs != null && row.inputBytes != null) {
      bytesIn.inc(row.inputBytes);
    }
    if (row.outputBytes != null) {
      bytesOut.inc(row.outputBytes);
    }
    update(readMs, row.readMs);
    update(decodeMs, row.decodeMs);
    update(inferMs, row.inferMs);
    update(encodeMs, row.encodeMs);
    update(writeMs, row.writeMs);
    if (row.readMs != null) { // skipped and unplannable inputs cost no image work
      update(totalMs, row.totalMs);
    }
  }

  void modelLoaded() {
    modelLoads.inc();
  }

  void stageTime(JobStages.Stage stage, long ms) {
    stageMs.get(stage).update(ms);
  }

  private static void update(Histogram h, Long ms) {
    if (ms != null) {
      h.update(ms);
    }
  }
}
