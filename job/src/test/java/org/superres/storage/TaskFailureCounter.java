package org.superres.storage;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Counts failed task attempts and lost executors of the runs in this JVM, registered through
 * spark.extraListeners so that the job itself is started exactly as users start it.
 */
public final class TaskFailureCounter extends SparkListener {
  static final AtomicInteger FAILED_TASKS = new AtomicInteger();
  static final AtomicInteger REMOVED_EXECUTORS = new AtomicInteger();

  static void reset() {
    FAILED_TASKS.set(0);
    REMOVED_EXECUTORS.set(0);
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (!end.taskInfo().successful()) {
      FAILED_TASKS.incrementAndGet();
    }
  }

  @Override
  public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
    REMOVED_EXECUTORS.incrementAndGet();
  }
}
