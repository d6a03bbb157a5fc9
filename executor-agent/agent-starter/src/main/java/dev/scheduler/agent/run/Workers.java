package dev.scheduler.agent.run;

import dev.scheduler.agent.AgentProperties;
import dev.scheduler.contracts.ExecutionEventType;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's handler threads and timers: runs an admitted execution on the pool with its timeout,
 * its log flushes and its start report, and counts what runs.
 */
final class Workers {

  private final String nodeId;
  private final AgentProperties properties;
  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final AtomicInteger running = new AtomicInteger();

  Workers(String nodeId, AgentProperties properties) {
    this.nodeId = nodeId;
    this.properties = properties;
    this.workers =
        Executors.newFixedThreadPool(properties.capacity(), DaemonThreads.named("scheduler-job-"));
    ScheduledThreadPoolExecutor timerPool =
        new ScheduledThreadPoolExecutor(1, DaemonThreads.named("scheduler-agent-timer-"));
    // Every execution sets a timeout (10 minutes by default) and a log flush, and cancels them
    // when it ends: kept until due, cancelled timers held each execution for ten minutes (300,000
    // of them at 500 executions/s).
    timerPool.setRemoveOnCancelPolicy(true);
    this.timers = timerPool;
  }

  /** The agent's one timer thread. */
  ScheduledExecutorService timers() {
    return timers;
  }

  /** Executions whose handler runs now. */
  int running() {
    return running.get();
  }

  /** Runs {@code execution} on the pool, unless it ended while it waited. */
  void start(Execution execution) {
    if (execution.outcome() != null) {
      execution.threadDone().complete(null);
      return;
    }
    try {
      workers.execute(() -> runWatched(execution));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      execution.stop(ExecutionEventType.ABANDONED, "node " + nodeId + " is shutting down");
    }
  }

  private void runWatched(Execution execution) {
    Duration timeout = execution.timeout(properties.defaultTimeout());
    ScheduledFuture<?> timer =
        timers.schedule(
            () ->
                execution.stop(
                    ExecutionEventType.TIMED_OUT,
                    "ran past its timeout of " + timeout + " on node " + nodeId + "; interrupted"),
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    long flushMs = properties.logFlushInterval().toMillis();
    ScheduledFuture<?> flush =
        timers.scheduleAtFixedRate(execution::flushLog, flushMs, flushMs, TimeUnit.MILLISECONDS);
    AtomicReference<ScheduledFuture<?>> startReport = new AtomicReference<>();
    running.incrementAndGet();
    try {
      execution.run(() -> startReport.set(reportStartLater(execution)));
    } finally {
      running.decrementAndGet();
      timer.cancel(false);
      flush.cancel(false);
      ScheduledFuture<?> pending = startReport.get();
      if (pending != null) {
        pending.cancel(false);
      }
    }
  }

  /**
   * Has the execution's start reported {@code report-start-after} into the run, unless it ended by
   * then and its outcome reports it; at once when that is zero. Null when reported at once.
   */
  private ScheduledFuture<?> reportStartLater(Execution execution) {
    long afterMs = properties.reportStartAfter().toMillis();
    if (afterMs <= 0) {
      execution.reportStart();
      return null;
    }
    try {
      return timers.schedule(execution::reportStart, afterMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      execution.reportStart(); // timers stopped: the agent is stopping
      return null;
    }
  }

  /** Interrupts the handlers still running and stops the timers. */
  void shutdown() {
    workers.shutdownNow();
    timers.shutdown();
  }
}
