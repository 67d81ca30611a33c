package org.superres.job;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Iterator;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.superres.config.JobSettings;
import org.superres.engine.Device;
import org.superres.engine.ModelCache;
import org.superres.engine.ModelSpec;
import org.superres.engine.SuperResNet;
import org.superres.manifest.ManifestRow;
import org.superres.plan.PlannedInput;

/**
 * The executor loop of one partition: inputs in, manifest rows out, one at a time (lazily, so a
 * partition never holds more than one image). The model is fetched from the JVM-wide cache on the
 * first input that needs it; a partition of skipped inputs never loads it.
 */
public final class EnhancePartition
    implements FlatMapFunction<Iterator<PlannedInput>, ManifestRow> {
  private static final long serialVersionUID = 1L;

  private final String runId;
  private final JobSettings settings;
  private final ModelSpec model;
  private final String shippedFileName;
  private final SerializableConfiguration hadoop;
  private final RunCounters counters;

  public EnhancePartition(
      String runId,
      JobSettings settings,
      ModelSpec model,
      String shippedFileName,
      Configuration hadoop,
      RunCounters counters) {
    this.runId = runId;
    this.settings = settings;
    this.model = model;
    this.shippedFileName = shippedFileName;
    this.hadoop = new SerializableConfiguration(hadoop);
    this.counters = counters;
  }

  @Override
  public Iterator<ManifestRow> call(Iterator<PlannedInput> inputs) {
    TaskContext task = TaskContext.get();
    ImagePipeline.Origin origin =
        new ImagePipeline.Origin(
            runId,
            SparkEnv.get().executorId(),
            hostName(),
            // A rerun of the task counts, whether Spark retried it or reran its whole stage (after
            // an
            // executor's shuffle output was lost, the new stage attempt starts at attempt 0 again).
            task.stageAttemptNumber() + task.attemptNumber(),
            "t" + task.taskAttemptId());
    // Before any image: a backend this executor cannot run fails the task here, with one clear
    // error.
    Device device = ExecutorModels.device(settings);
    SuperresMetrics metrics = SuperresMetrics.get();
    NetOnce net = new NetOnce(device, metrics);
    ImagePipeline pipeline = new ImagePipeline(settings, model, net, hadoop.value());
    StagedRunner runner =
        new StagedRunner(
            inputs,
            pipeline,
            origin,
            in -> {
              if (in.hasWork()) {
                net.preload(); // load and warm-up outside the images' timings (total_ms included)
              }
            },
            settings.pipelineDepth,
            settings.inputTimeoutMillis,
            settings.maxStuckThreads);
    task.addTaskCompletionListener(
        (org.apache.spark.util.TaskCompletionListener) done -> runner.close());
    return new Iterator<ManifestRow>() {
      @Override
      public boolean hasNext() {
        return runner.hasNext();
      }

      @Override
      public ManifestRow next() {
        ManifestRow row = runner.next();
        counters.imagesDone.add(1);
        metrics.record(row);
        return row;
      }
    };
  }

  /**
   * The partition's network, fetched from the executor's cache on the first input that needs it.
   * The load and warm-up times go to the run's counters once per load, by whichever task claims
   * them.
   */
  private final class NetOnce implements Supplier<SuperResNet> {
    private final Device device;
    private final SuperresMetrics metrics;
    private SuperResNet net;

    NetOnce(Device device, SuperresMetrics metrics) {
      this.device = device;
      this.metrics = metrics;
    }

    @Override
    public synchronized SuperResNet get() {
      if (net == null) {
        ModelCache.Loaded loaded = ExecutorModels.get(model, shippedFileName, settings, device);
        if (loaded.claimReport()) {
          counters.modelLoads.add(1);
          counters.warmupMs.add(loaded.warmupMillis);
          counters.loadMs.add(loaded.loadMillis);
          metrics.modelLoaded();
        }
        net = loaded.net;
      }
      return net;
    }

    /**
     * Loads now if needed; a failure is left for the pipeline, which reports it in the input's row.
     */
    void preload() {
      try {
        get();
      } catch (RuntimeException e) {
        // the same error recurs inside pipeline.process and becomes this input's manifest row
      }
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }

  /** Accumulators the driver reads for progress and the summary. */
  public static final class RunCounters implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    public final LongAccumulator imagesDone;
    public final LongAccumulator modelLoads;
    public final LongAccumulator loadMs;
    public final LongAccumulator warmupMs;

    public RunCounters(org.apache.spark.SparkContext sc) {
      imagesDone = sc.longAccumulator("superres.images.done");
      modelLoads = sc.longAccumulator("superres.model.loads");
      loadMs = sc.longAccumulator("superres.model.load_ms");
      warmupMs = sc.longAccumulator("superres.model.warmup_ms");
    }
  }
}
