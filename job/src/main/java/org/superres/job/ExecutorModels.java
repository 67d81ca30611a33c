package org.superres.job;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.bytedeco.opencv.global.opencv_core;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superres.config.JobSettings;
import org.superres.engine.Device;
import org.superres.engine.DeviceSelector;
import org.superres.engine.EngineException;
import org.superres.engine.FailureKind;
import org.superres.engine.ModelCache;
import org.superres.engine.ModelSpec;

/**
 * Executor side of model distribution: the file shipped with SparkContext.addFile is found with
 * SparkFiles.get, checked against the spec's sha256, and loaded once per JVM and device
 * (ModelCache).
 */
public final class ExecutorModels {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
  private static volatile boolean threadsSet;

  private ExecutorModels() {}

  /**
   * This task's device, checked before any image: loads the natives and applies device.backend to
   * the GPU Spark assigned. Throws (failing the task, and after Spark's retries the job) when the
   * executor cannot run the configured backend at all: that is one error for the run, not one per
   * image.
   */
  public static Device device(JobSettings settings) {
    setThreadsOnce(settings.threads);
    TaskContext task = TaskContext.get();
    String gpu = assignedGpu(task);
    if (gpu != null && LOG.isDebugEnabled()) {
      LOG.debug(
          "superres: task {} (stage {}, partition {}) was assigned GPU {}",
          task.taskAttemptId(),
          task.stageId(),
          task.partitionId(),
          gpu);
    }
    return DeviceSelector.select(settings.backend, gpu);
  }

  public static ModelCache.Loaded get(
      ModelSpec spec, String shippedFileName, JobSettings settings, Device device) {
    return ModelCache.get(spec, device, settings.precision, () -> localCopy(spec, shippedFileName));
  }

  /** The first GPU address Spark's resource scheduling assigned to this task, or null. */
  static String assignedGpu(TaskContext task) {
    if (task == null) return null;
    Map<String, ResourceInformation> resources = task.resourcesJMap();
    ResourceInformation gpu = resources.get("gpu");
    return gpu == null || gpu.addresses().length == 0 ? null : gpu.addresses()[0];
  }

  private static Path localCopy(ModelSpec spec, String shippedFileName) {
    Path file = Paths.get(SparkFiles.get(shippedFileName));
    LOG.info("superres: model {} from SparkFiles {}", spec.name(), file);
    String actual = ModelSpec.sha256Of(file);
    if (!actual.equals(spec.sha256())) {
      throw new EngineException(
          FailureKind.MODEL,
          "model file "
              + file
              + " has sha256 "
              + actual
              + ", expected "
              + spec.sha256()
              + " ("
              + spec.name()
              + "): the shipped file changed during the run");
    }
    return file;
  }

  private static void setThreadsOnce(int threads) {
    if (!threadsSet) {
      synchronized (ExecutorModels.class) {
        if (!threadsSet) {
          DeviceSelector.ensureNativesLoaded();
          SparkEnv env = SparkEnv.get(); // null only outside Spark (the engine used on its own)
          SparkConf conf = env != null ? env.conf() : new SparkConf(false);
          InferenceThreads.Choice choice =
              InferenceThreads.resolve(
                  threads,
                  conf.get("spark.master", ""),
                  conf.get("spark.executor.cores", null),
                  Runtime.getRuntime().availableProcessors());
          opencv_core.setNumThreads(choice.threads);
          LOG.info("superres: OpenCV inference threads {}", choice);
          threadsSet = true;
        }
      }
    }
  }
}
