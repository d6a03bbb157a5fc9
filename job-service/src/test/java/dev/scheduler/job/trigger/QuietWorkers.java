package dev.scheduler.job.trigger;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/**
 * The claims and settles of a pass on two threads, as deployed, for tests whose clock jumps when
 * the pass waits: before the clock jumps, {@link #awaitQuiet()} lets the work under way finish, so
 * what a test sees does not depend on how loaded the machine is (a claim or settle that took 50 ms
 * of real time no longer lets the pass skip seconds of the test's time). Work a test holds back on
 * purpose is {@link #park parked} and not waited for.
 */
final class QuietWorkers implements Supplier<Executor> {

  private final AtomicInteger inFlight = new AtomicInteger();
  private final Collection<CountDownLatch> parked = new ConcurrentLinkedQueue<>();

  @Override
  public Executor get() {
    return new ThreadPoolExecutor(
        2, 2, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), QuietWorkers::daemon) {
      @Override
      public void execute(Runnable task) {
        inFlight.incrementAndGet();
        try {
          super.execute(task);
        } catch (RuntimeException e) {
          inFlight.decrementAndGet();
          throw e;
        }
      }

      @Override
      protected void afterExecute(Runnable task, Throwable failure) {
        inFlight.decrementAndGet();
      }
    };
  }

  /**
   * Waits (at most 10 s) until {@code released} opens, without {@link #awaitQuiet()} waiting for it
   * meanwhile: from the moment it opens, the task counts as under way again.
   */
  void park(CountDownLatch released) throws InterruptedException {
    parked.add(released);
    try {
      released.await(10, TimeUnit.SECONDS);
    } finally {
      parked.remove(released);
    }
  }

  /** Waits (at most 10 s) until every claim and settle handed over is done or parked. */
  void awaitQuiet() {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(1))
        .until(() -> inFlight.get() <= parked.stream().filter(l -> l.getCount() > 0).count());
  }

  @Override
  public String toString() {
    return "inFlight=" + inFlight + " parked=" + parked;
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "test-pass");
    t.setDaemon(true);
    return t;
  }
}
