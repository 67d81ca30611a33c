package org.superres.job;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superres.manifest.ManifestRow;
import org.superres.plan.PlannedInput;

/**
 * A task's inputs through three stages, one thread each: while one input is inferred, the next is
 * read and decoded and the previous one encoded and written. At most {@code depth} inputs are in
 * flight, so memory stays a few images per task; rows come back in input order.
 *
 * <p>The watchdog: an input not finished within {@code timeoutMillis} of entering gets a row failed
 * with kind timeout, and the task moves on. The thread working on it is interrupted; if it does not
 * return (blocked in native code or in an open that cannot be interrupted), its stage gets a new
 * thread and the old one is counted as stuck. When the executor has more stuck threads than {@code
 * maxStuck}, the task fails, so that Spark retries its inputs on another executor: rows of a failed
 * task attempt are discarded, so no row is lost and none is written twice.
 */
final class StagedRunner implements Iterator<ManifestRow>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StagedRunner.class);

  /** How long an interrupted stage thread may take to return before it counts as stuck. */
  private static final long GRACE_MILLIS = 2_000;

  private final Iterator<PlannedInput> inputs;
  private final ImagePipeline pipeline;
  private final ImagePipeline.Origin origin;
  private final Consumer<PlannedInput> beforeStart;
  private final int depth;
  private final long timeoutMillis;
  private final int maxStuck;
  private final Stage decode;
  private final Stage infer;
  private final Stage write;
  private final Deque<InFlight> window = new ArrayDeque<>();

  /**
   * @param beforeStart runs on the task's thread before an input enters (the model's first load)
   * @param depth inputs in flight at most (1 = one at a time)
   * @param timeoutMillis the watchdog's bound per input; 0 = none
   * @param maxStuck stuck threads this executor tolerates before it fails its tasks
   */
  StagedRunner(
      Iterator<PlannedInput> inputs,
      ImagePipeline pipeline,
      ImagePipeline.Origin origin,
      Consumer<PlannedInput> beforeStart,
      int depth,
      long timeoutMillis,
      int maxStuck) {
    this.inputs = inputs;
    this.pipeline = pipeline;
    this.origin = origin;
    this.beforeStart = beforeStart;
    this.depth = Math.max(1, depth);
    this.timeoutMillis = timeoutMillis;
    this.maxStuck = maxStuck;
    this.decode = new Stage("decode");
    this.infer = new Stage("infer");
    this.write = new Stage("write");
  }

  /** One input in flight: its work, its result, and where it is. */
  private static final class InFlight {
    final ImagePipeline.Work work;

    /** When its first stage began (System.nanoTime), or 0 while it waits for the first. */
    volatile long started;

    volatile Thread thread;
    volatile Stage stage;
    CompletableFuture<ManifestRow> result;

    InFlight(ImagePipeline.Work work) {
      this.work = work;
    }
  }

  @Override
  public boolean hasNext() {
    fill();
    return !window.isEmpty();
  }

  @Override
  public ManifestRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    InFlight oldest = window.peekFirst();
    ManifestRow row = await(oldest);
    window.pollFirst();
    return row;
  }

  private void fill() {
    while (window.size() < depth && inputs.hasNext()) {
      PlannedInput in = inputs.next();
      beforeStart.accept(in);
      InFlight f = new InFlight(pipeline.start(in, origin));
      f.result =
          CompletableFuture.runAsync(step(f, decode, f.work::decode), decode)
              .thenRunAsync(step(f, infer, f.work::enhance), infer)
              .thenRunAsync(step(f, write, f.work::write), write)
              .thenApply(done -> f.work.finish());
      window.addLast(f);
    }
  }

  /** A stage's work for one input, recording which thread runs it (the watchdog interrupts it). */
  private static Runnable step(InFlight f, Stage stage, Runnable body) {
    return () -> {
      synchronized (f) {
        f.thread = Thread.currentThread();
        f.stage = stage;
        if (f.started == 0) {
          f.started = System.nanoTime();
        }
      }
      try {
        body.run();
      } finally {
        synchronized (f) {
          f.thread = null;
        }
        StuckThreads.returned(Thread.currentThread());
        Thread.interrupted(); // an interrupt meant for this input must not hit the next one
      }
    };
  }

  /**
   * The oldest input's row. Its clock runs from when its first stage began: an input waiting behind
   * one that is stuck is not charged for the wait (the stuck one is older, so it times out first,
   * and its stage gets a fresh thread).
   */
  private ManifestRow await(InFlight f) {
    try {
      if (timeoutMillis <= 0) {
        return f.result.get();
      }
      while (true) {
        long started = f.started;
        long wait =
            started == 0
                ? TimeUnit.MILLISECONDS.toNanos(100)
                : started + TimeUnit.MILLISECONDS.toNanos(timeoutMillis) - System.nanoTime();
        try {
          return f.result.get(Math.max(0, wait), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          if (started != 0) {
            return timeOut(f);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("task interrupted while waiting for " + f.work.in, e);
    } catch (ExecutionException e) {
      // the stages catch every failure of an input; this is a bug in the runner itself
      throw new IllegalStateException("stage of " + f.work.in + " failed", e.getCause());
    }
  }

  /** The watchdog fired: the input's timeout row, its thread interrupted or given up on. */
  private ManifestRow timeOut(InFlight f) {
    ManifestRow row = f.work.timeOut(timeoutMillis);
    LOG.warn("superres: {} timed out in its {} stage; interrupting it", f.work.in, f.work.stage());
    Thread t;
    Stage stage;
    synchronized (f) {
      t = f.thread;
      stage = f.stage;
      if (t != null) {
        t.interrupt();
      }
    }
    if (t != null) {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
      while (f.thread == t && System.nanoTime() < until) {
        sleep(20);
      }
      if (f.thread == t) {
        StuckThreads.retire(t);
        stage.replace();
        int stuck = StuckThreads.count();
        LOG.warn(
            "superres: thread {} did not return from {} ({} stuck in this executor)",
            t.getName(),
            f.work.in,
            stuck);
        if (stuck > maxStuck) {
          throw new IllegalStateException(
              stuck
                  + " threads of this executor are stuck (past limits.max-stuck-threads="
                  + maxStuck
                  + "), the last in "
                  + f.work.in
                  + ": failing this task so that Spark runs its inputs on another executor");
        }
      }
    }
    return row;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    decode.shutdown();
    infer.shutdown();
    write.shutdown();
  }

  /**
   * One stage's thread, replaceable: when the watchdog gives up on the thread, the work waiting for
   * this stage moves to a new one.
   */
  private final class Stage implements Executor {
    private final String name;
    private ThreadPoolExecutor current;
    private int generation;

    Stage(String name) {
      this.name = name;
      this.current = newThread();
    }

    private ThreadPoolExecutor newThread() {
      String threadName = "superres-" + origin.attemptTag + "-" + name + "-" + generation++;
      return new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.MILLISECONDS,
          new LinkedBlockingQueue<>(),
          r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
          });
    }

    @Override
    public synchronized void execute(Runnable r) {
      current.execute(r);
    }

    /** A new thread for this stage; the work queued behind the stuck one moves to it. */
    synchronized void replace() {
      ThreadPoolExecutor old = current;
      current = newThread();
      List<Runnable> waiting = new ArrayList<>(old.shutdownNow());
      waiting.forEach(current::execute);
    }

    synchronized void shutdown() {
      current.shutdownNow();
    }
  }
}
