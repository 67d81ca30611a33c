package org.superres.job;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The threads of this executor JVM given up on by the input watchdog that have not returned yet: a
 * read blocked in open() on a named pipe or a dead mount, an inference stuck in native code. They
 * cannot be killed; past {@code limits.max-stuck-threads} the executor is unhealthy, and its tasks
 * fail so that Spark runs their inputs elsewhere.
 */
final class StuckThreads {
  private static final Set<Thread> STUCK = ConcurrentHashMap.newKeySet();

  private StuckThreads() {}

  /** A thread the watchdog gave up on while it was still running. */
  static void retire(Thread t) {
    STUCK.add(t);
  }

  /** Called by every stage thread when a piece of work returns: a retired one is stuck no more. */
  static void returned(Thread t) {
    STUCK.remove(t);
  }

  static int count() {
    STUCK.removeIf(t -> !t.isAlive());
    return STUCK.size();
  }
}
