package dev.scheduler.agent.run;

import dev.scheduler.agent.JobContext;
import dev.scheduler.agent.JobLog;
import dev.scheduler.agent.handler.HandlerRegistry;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.LogLine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One attempt of one shard running on this agent. Exactly one outcome is reported, whichever comes
 * first: the handler's return or throw, the timeout, a cancel, or the agent's shutdown. Its events
 * are sent in order, each after the broker stored the one before. The start is reported by a
 * STARTED event once the runner asks for it ({@link #reportStart}, a few milliseconds into the
 * run), or by the outcome if the run ended before that: most runs are that short, and one event
 * instead of two (three with their log lines, which ride on the outcome) is what the broker,
 * execution-service and the database spend per execution.
 */
final class Execution implements JobContext {

  private final FireEvent fire;
  private final HandlerRegistry.Work work;
  private final String nodeId;
  private final Reporter reporter;
  private final Lease lease;
  private final Clock clock;
  private final ExecutionLog log;
  private final AtomicReference<ExecutionEventType> outcome = new AtomicReference<>();

  /** Completes when the handler's thread is done with it (or it never started). */
  private final CompletableFuture<Void> threadDone = new CompletableFuture<>();

  private volatile java.util.function.Consumer<ExecutionEventType> onEnd = type -> {};
  private CompletableFuture<Void> lastSend = CompletableFuture.completedFuture(null);

  /** Completes when the first event reported (the start, or an outcome without one) was sent. */
  private final CompletableFuture<Void> firstReport = new CompletableFuture<>();

  private volatile Thread thread;

  /** When the handler began, for the outcome event; null until then. */
  private volatile Instant startedAt;

  private volatile boolean cancelled;

  /** Whether the start was reported, or left to the outcome; guarded by {@code this}. */
  private boolean startReported;

  Execution(
      FireEvent fire,
      HandlerRegistry.Work work,
      String nodeId,
      Reporter reporter,
      Lease lease,
      Clock clock) {
    this.fire = fire;
    this.work = work;
    this.nodeId = nodeId;
    this.reporter = reporter;
    this.lease = lease;
    this.clock = clock;
    this.log = new ExecutionLog(fire.executionId(), clock);
  }

  /** Tells {@code listener} how the execution ended, once. */
  void onEnd(java.util.function.Consumer<ExecutionEventType> listener) {
    this.onEnd = listener;
  }

  FireEvent fire() {
    return fire;
  }

  /**
   * Runs the handler on the calling thread.
   *
   * @param onStart called as the handler is about to run, to have its start reported
   */
  void run(Runnable onStart) {
    thread = Thread.currentThread();
    try {
      if (outcome.get() != null) {
        return; // cancelled or abandoned while it waited
      }
      startedAt = clock.instant();
      onStart.run();
      Object result = work.run(this);
      end(ExecutionEventType.SUCCEEDED, result == null ? null : result.toString());
    } catch (Throwable t) {
      end(ExecutionEventType.FAILED, describe(t));
    } finally {
      thread = null;
      Thread.interrupted(); // an interrupt meant for this execution must not reach the next
      threadDone.complete(null);
    }
  }

  /** Ends it with {@code type} unless it already ended; interrupts the handler if it runs. */
  boolean stop(ExecutionEventType type, String why) {
    if (type == ExecutionEventType.CANCELLED
        || type == ExecutionEventType.TIMED_OUT
        || type == ExecutionEventType.LEASE_LOST) {
      cancelled = true;
    }
    boolean ended = end(type, why);
    Thread running = thread;
    if (ended && running != null) {
      running.interrupt();
    }
    if (ended && running == null && !started()) {
      threadDone.complete(null);
    }
    return ended;
  }

  private boolean started() {
    return thread != null || threadDone.isDone();
  }

  /**
   * Reports the start with a STARTED event, unless it was reported or the run already ended (then
   * the outcome reports it).
   */
  synchronized void reportStart() {
    if (startReported || startedAt == null || outcome.get() != null) {
      return;
    }
    startReported = true;
    report(ExecutionEvent.of(ExecutionEventType.STARTED, fire, nodeId, startedAt));
  }

  /**
   * Reports the outcome once; later outcomes are ignored. A handler that returns or throws after
   * its lease was lost (or could not be confirmed) reports LEASE_LOST instead: another attempt may
   * run elsewhere by now, so its result must not count.
   */
  boolean end(ExecutionEventType reported, String reportedText) {
    ExecutionEventType type = reported;
    String text = reportedText;
    if ((type == ExecutionEventType.SUCCEEDED || type == ExecutionEventType.FAILED)
        && !lease.valid()) {
      type = ExecutionEventType.LEASE_LOST;
      text =
          "the handler ended ("
              + reported
              + ") after the lease of node "
              + nodeId
              + " was lost"
              + (lease.lostWhy() == null ? " (not renewed in time)" : " (" + lease.lostWhy() + ")")
              + ": its result is not reported; the attempt runs again as the next one";
    }
    if (!outcome.compareAndSet(null, type)) {
      return false;
    }
    if (type == ExecutionEventType.LEASE_LOST) {
      // In the attempt's log as well: execution-service may have ended the attempt already (its
      // lease ran out), and then keeps the lines of this late report, not its status.
      log.warn("{}", text);
    }
    onEnd.accept(type);
    ExecutionEvent event =
        ExecutionEvent.of(type, fire, nodeId, clock.instant())
            .withTiming(fire.scheduledTime(), startedAt);
    event = type == ExecutionEventType.SUCCEEDED ? event.withResult(text) : event.withError(text);
    synchronized (this) {
      List<List<LogLine>> batches = log.drain(true);
      for (int i = 0; i < batches.size() - 1; i++) {
        reportLines(batches.get(i));
      }
      if (!batches.isEmpty()) {
        event = event.withLogLines(batches.get(batches.size() - 1));
      }
      if (!startReported && startedAt != null) {
        startReported = true;
        event = event.withStartIncluded();
      }
      report(event);
    }
    return true;
  }

  /** Sends the lines logged since the last flush (the outcome carries those before it). */
  synchronized void flushLog() {
    for (List<LogLine> lines : log.drain(false)) {
      reportLines(lines);
    }
  }

  private void reportLines(List<LogLine> lines) {
    report(
        ExecutionEvent.of(ExecutionEventType.LOG, fire, nodeId, clock.instant())
            .withLogLines(lines));
  }

  private synchronized void report(ExecutionEvent event) {
    lastSend = lastSend.thenCompose(v -> reporter.send(event));
    if (!firstReport.isDone() && event.type() != ExecutionEventType.LOG) {
      lastSend.whenComplete((v, e) -> firstReport.complete(null));
    }
  }

  /**
   * Completes when the broker stored this execution's start, or its outcome if it ended without
   * starting (or the reporter gave up on them, as it does when closed).
   */
  CompletableFuture<Void> firstReport() {
    return firstReport;
  }

  /** Completes when every event of this execution reached the broker (or was given up). */
  synchronized CompletableFuture<Void> sent() {
    return lastSend;
  }

  CompletableFuture<Void> threadDone() {
    return threadDone;
  }

  ExecutionEventType outcome() {
    return outcome.get();
  }

  Duration timeout(Duration fallback) {
    return fire.timeout() == null || fire.timeout().isZero() ? fallback : fire.timeout();
  }

  private static String describe(Throwable t) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    return t + "\n" + trace;
  }

  @Override
  public long jobId() {
    return fire.jobId();
  }

  @Override
  public String executionId() {
    return fire.executionId();
  }

  @Override
  public String params() {
    return fire.params();
  }

  @Override
  public String jobData() {
    return fire.jobData();
  }

  @Override
  public int shardIndex() {
    return fire.shardIndex();
  }

  @Override
  public int shardTotal() {
    return fire.shardTotal();
  }

  @Override
  public String shardParameter() {
    return fire.shardParameter();
  }

  @Override
  public int attempt() {
    return fire.attempt();
  }

  @Override
  public Instant scheduledTime() {
    return fire.scheduledTime();
  }

  @Override
  public JobLog log() {
    return log;
  }

  @Override
  public boolean cancelled() {
    return cancelled || outcome.get() != null;
  }

  @Override
  public long fencingToken() {
    return lease.token();
  }

  @Override
  public void checkLease() {
    lease.check();
  }
}
