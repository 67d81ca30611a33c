package org.superres.job;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenCV's inference threads in one executor JVM when device.threads = 0: the executor's cores. An
 * executor runs one inference at a time (one network, calls serialized), so that inference gets
 * every core the executor owns while its other task slots read, decode, encode and write around it;
 * submit/bench's threads matrix measured this split fastest. OpenCV's own default, every core of
 * the node, would oversubscribe a node shared by several executors (YARN, Kubernetes without CPU
 * limits).
 */
final class InferenceThreads {
  private static final Pattern LOCAL_CLUSTER =
      Pattern.compile("local-cluster\\[\\s*\\d+\\s*,\\s*(\\d+)\\s*,.*");

  /** A thread count and where it came from, for the executor's log. */
  static final class Choice {
    final int threads;
    final String source;

    Choice(int threads, String source) {
      this.threads = threads;
      this.source = source;
    }

    @Override
    public String toString() {
      return threads + " (" + source + ")";
    }
  }

  private InferenceThreads() {}

  /**
   * @param configured device.threads (0 = the executor's cores)
   * @param master spark.master as the executor sees it
   * @param executorCores spark.executor.cores, or null when not set
   * @param processors the cores this JVM may use (Runtime.availableProcessors, container limits
   *     included)
   */
  static Choice resolve(int configured, String master, String executorCores, int processors) {
    if (configured > 0) {
      return new Choice(configured, "device.threads");
    }
    if (executorCores != null && !executorCores.trim().isEmpty()) {
      return new Choice(
          Math.min(processors, Math.max(1, Integer.parseInt(executorCores.trim()))),
          "spark.executor.cores");
    }
    String m = master == null ? "" : master.trim();
    Matcher localCluster = LOCAL_CLUSTER.matcher(m);
    if (localCluster.matches()) {
      return new Choice(
          Math.min(processors, Integer.parseInt(localCluster.group(1))),
          "local-cluster worker cores");
    }
    if (m.equals("yarn") || m.startsWith("k8s://")) {
      // Both give an executor one core unless spark.executor.cores says otherwise.
      return new Choice(
          1,
          m.equals("yarn")
              ? "YARN's default executor cores"
              : "Kubernetes' default executor cores");
    }
    // Local mode (this JVM is the executor) and standalone without spark.executor.cores (the
    // executor takes
    // every core of its worker): all cores this JVM may use.
    return new Choice(processors, "cores of this JVM");
  }
}
