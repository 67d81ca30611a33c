package org.superres.engine;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM-wide home of loaded networks: one per (model sha256, device, precision), shared by every
 * task of an executor. The first caller loads and warms the model; the others wait for it and reuse
 * it.
 */
public final class ModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  private static final Map<String, Slot> NETS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  private ModelCache() {}

  /** A network together with what its loading cost, for the run summary. */
  public static final class Loaded {
    public final SuperResNet net;
    public final long loadMillis;
    public final long warmupMillis;

    /** When the warm-up ended: every image's timings start after it. */
    public final java.time.Instant readyAt;

    private final java.util.concurrent.atomic.AtomicBoolean reported =
        new java.util.concurrent.atomic.AtomicBoolean();

    Loaded(SuperResNet net, long loadMillis, long warmupMillis) {
      this.net = net;
      this.loadMillis = loadMillis;
      this.warmupMillis = warmupMillis;
      this.readyAt = java.time.Instant.now();
    }

    /**
     * True exactly once per load: the one task that gets true adds the load and warm-up times to
     * the run's counters, however many tasks of the executor waited for the same load.
     */
    public boolean claimReport() {
      return reported.compareAndSet(false, true);
    }
  }

  /**
   * One key's network, loaded under its own lock so that loads for different GPUs run side by side.
   */
  private static final class Slot {
    private volatile Loaded loaded;

    Loaded get(ModelSpec spec, Device device, Precision precision, Supplier<Path> file) {
      Loaded l = loaded;
      if (l != null) {
        return l;
      }
      synchronized (this) {
        if (loaded == null) {
          SuperResNet net = SuperResNet.load(spec, file.get(), device, precision);
          long warm = net.warmUp();
          int n = LOADS.incrementAndGet();
          LOG.info(
              "superres: loaded model {} on {} ({}) in {} ms, warm-up {} ms, load #{} in this JVM",
              spec,
              device,
              precision,
              net.loadMillis(),
              warm,
              n);
          loaded = new Loaded(net, net.loadMillis(), warm);
        }
        return loaded;
      }
    }
  }

  /**
   * Returns the cached network, loading it at most once per JVM and key; a failed load is not kept,
   * the next caller tries again.
   *
   * @param file resolves the local model file; called only when the model must be loaded
   */
  public static Loaded get(
      ModelSpec spec, Device device, Precision precision, Supplier<Path> file) {
    String key = spec.sha256() + "|" + device + "|" + precision;
    return NETS.computeIfAbsent(key, k -> new Slot()).get(spec, device, precision, file);
  }

  /** How many times this JVM has loaded a model. */
  public static int loads() {
    return LOADS.get();
  }

  /** For tests and benchmarks that must measure a cold load. */
  public static synchronized void clear() {
    NETS.values()
        .forEach(
            s -> {
              if (s.loaded != null) {
                s.loaded.net.close();
              }
            });
    NETS.clear();
  }
}
