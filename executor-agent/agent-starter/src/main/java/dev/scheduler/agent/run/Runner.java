package dev.scheduler.agent.run;

import dev.scheduler.agent.AgentProperties;
import dev.scheduler.agent.handler.HandlerRegistry;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the fire events this agent takes. At most {@code capacity} executions are held at once
 * (running or waiting behind an earlier fire of the same job and shard); the consumer thread that
 * brings one more waits for room, so the broker keeps what this agent cannot take. Each execution
 * takes the Redis guard of its attempt first, and keeps it renewed from then on, also while it
 * waits; the block strategy decides what happens when an earlier fire of the same job and shard
 * still runs here.
 */
public class Runner {

  private static final Logger log = LoggerFactory.getLogger(Runner.class);

  /** What became of a fire event handed to the agent. */
  public enum Acceptance {
    /** It runs or waits here. */
    ACCEPTED,
    /** The attempt already ran, or runs here under another delivery: dropped. */
    DUPLICATE,
    /**
     * Another node holds the attempt's guard: it runs there, or that node died before its start was
     * on record and its lease runs out unrenewed (the next delivery then ends the attempt
     * ABANDONED, to run as the next one). The broker should deliver it again later.
     */
    HELD_ELSEWHERE,
    /** The agent is stopping: the broker should deliver it to another agent. */
    STOPPING
  }

  /**
   * What {@link #accept} did with a fire event.
   *
   * @param acceptance what became of it
   * @param reported for an accepted one: completes when the broker stored its first report (the
   *     start, or an outcome without one); only then may the fire event leave the broker, or a
   *     death of this agent before it would lose the fire
   */
  public record Admission(Acceptance acceptance, CompletableFuture<Void> reported) {
    static Admission of(Acceptance acceptance) {
      return new Admission(acceptance, CompletableFuture.completedFuture(null));
    }
  }

  private final String nodeId;
  private final AgentProperties properties;
  private final HandlerRegistry handlers;
  private final ExecutionGuard guard;
  private final Reporter reporter;
  private final Clock clock;
  private final Semaphore room;
  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final Map<String, Execution> held = new ConcurrentHashMap<>();

  /**
   * Attempts a delivery is taking the guard of right now, from before it asks Redis until the
   * execution is in {@link #held}. Redis tells only which node holds an attempt, so two deliveries
   * of one fire on this node at the same moment (the broker hands a queue's unacknowledged messages
   * out again after a rebalance) would both read MINE, and the one that looks in {@code held}
   * before the other put it there would take it for a copy from an earlier life and run it again.
   */
  private final Set<String> taking = ConcurrentHashMap.newKeySet();

  private final Map<String, Execution> latestPerShard = new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong duplicates = new AtomicLong();
  private final Map<ExecutionEventType, AtomicLong> outcomes =
      new java.util.EnumMap<>(ExecutionEventType.class);
  private volatile boolean stopping;

  public Runner(
      String nodeId,
      AgentProperties properties,
      HandlerRegistry handlers,
      ExecutionGuard guard,
      Reporter reporter,
      Clock clock) {
    this.nodeId = nodeId;
    this.properties = properties;
    this.handlers = handlers;
    this.guard = guard;
    this.reporter = reporter;
    this.clock = clock;
    for (ExecutionEventType type : ExecutionEventType.values()) {
      if (type.terminal()) {
        outcomes.put(type, new AtomicLong());
      }
    }
    this.room = new Semaphore(properties.capacity());
    this.workers =
        Executors.newFixedThreadPool(properties.capacity(), DaemonThreads.named("scheduler-job-"));
    ScheduledThreadPoolExecutor timerPool =
        new ScheduledThreadPoolExecutor(1, DaemonThreads.named("scheduler-agent-timer-"));
    // Every execution sets a timeout (10 minutes by default) and a guard renewal, and cancels them
    // when it ends: kept until due, cancelled timers held each execution for ten minutes (300,000
    // of them at 500 executions/s).
    timerPool.setRemoveOnCancelPolicy(true);
    this.timers = timerPool;
  }

  /**
   * Takes a fire event: waits for room, takes the guard, then runs or queues it.
   *
   * @throws ExecutionGuard.GuardUnavailableException when Redis does not answer; the event must go
   *     back to the broker, since it may not run unguarded
   */
  public Admission accept(FireEvent fire) throws InterruptedException {
    if (stopping) {
      return Admission.of(Acceptance.STOPPING);
    }
    room.acquire();
    boolean kept = false;
    boolean mine = false;
    try {
      if (stopping) {
        return Admission.of(Acceptance.STOPPING);
      }
      // Asked before Redis: an answer of Redis about this node's own key may be out of date by the
      // time it arrives (the run here may have ended and left held since), so what this node
      // holds is looked at first, and a second delivery waits for nothing.
      mine = taking.add(fire.attemptKey());
      if (!mine || holds(fire.executionId(), fire.attempt())) {
        return duplicate(fire);
      }
      ExecutionGuard.Claim claim = guard.take(fire.attemptKey());
      ExecutionGuard.Take take = claim.take();
      if (take == ExecutionGuard.Take.DONE) {
        return duplicate(fire);
      }
      if (take == ExecutionGuard.Take.ELSEWHERE) {
        log.info(
            "{} attempt {} is held by another node; the broker delivers it again later",
            fire.executionId(),
            fire.attempt());
        return Admission.of(Acceptance.HELD_ELSEWHERE);
      }
      kept = true;
      if (take == ExecutionGuard.Take.LAPSED) {
        return new Admission(
            Acceptance.ACCEPTED, abandon(fire, claim.lapsedHolder()).firstReport());
      }
      if (take == ExecutionGuard.Take.MINE) {
        // Neither held nor being taken here when asked, and a run here marks its guard DONE before
        // it leaves held: the key is of an earlier life of this node id, which died with it.
        log.warn(
            "{} attempt {} was taken by an earlier life of node {}, which died with it; runs here",
            fire.executionId(),
            fire.attempt(),
            nodeId);
      }
      return new Admission(Acceptance.ACCEPTED, admit(fire).firstReport());
    } finally {
      if (mine) {
        taking.remove(fire.attemptKey());
      }
      if (!kept) {
        room.release();
      }
    }
  }

  private Admission duplicate(FireEvent fire) {
    duplicates.incrementAndGet();
    log.info("dropped duplicate delivery of {} attempt {}", fire.executionId(), fire.attempt());
    return Admission.of(Acceptance.DUPLICATE);
  }

  /** Whether this agent holds (runs or keeps waiting) that attempt. */
  private boolean holds(String executionId, int attempt) {
    Execution here = held.get(executionId);
    return here != null && here.fire().attempt() == attempt;
  }

  /**
   * Ends an attempt whose previous holder's lease ran out before its start was on record: it may
   * have run there without a report, so it is not run again under the same attempt; ABANDONED, it
   * is failed over by execution-service as the next attempt, and both stay on record.
   */
  private Execution abandon(FireEvent fire, String lapsedHolder) {
    log.warn(
        "{} attempt {} was taken by node {}, which went silent before its start was on record;"
            + " reported ABANDONED to run again as the next attempt",
        fire.executionId(),
        fire.attempt(),
        lapsedHolder);
    // Not in held: it ends here and now, and must not hide another attempt this node holds.
    Execution execution = new Execution(fire, null, nodeId, reporter, guard, clock);
    execution.threadDone().whenComplete((v, e) -> release(execution));
    execution.onEnd(type -> outcomes.get(type).incrementAndGet());
    execution.stop(
        ExecutionEventType.ABANDONED,
        "taken by node "
            + lapsedHolder
            + ", which went silent before its start was on record (may have run there); runs"
            + " again as the next attempt (seen by node "
            + nodeId
            + ")");
    return execution;
  }

  private Execution admit(FireEvent fire) {
    HandlerRegistry.Resolution resolution = handlers.resolve(fire);
    Execution execution = new Execution(fire, resolution.work(), nodeId, reporter, guard, clock);
    held.put(fire.executionId(), execution);
    ScheduledFuture<?> renewal = renewWhileHeld(fire.attemptKey());
    execution
        .threadDone()
        .whenComplete(
            (v, e) -> {
              if (renewal != null) {
                renewal.cancel(false);
              }
              release(execution);
            });
    execution.onEnd(type -> outcomes.get(type).incrementAndGet());
    if (resolution.refusal() != null) {
      execution.stop(ExecutionEventType.REJECTED, resolution.refusal() + " (node " + nodeId + ")");
      return execution;
    }
    String shard = fire.jobId() + ":" + fire.shardIndex();
    Execution earlier;
    synchronized (latestPerShard) {
      earlier = latestPerShard.put(shard, execution);
    }
    boolean earlierHeld = earlier != null && !earlier.threadDone().isDone();
    if (!earlierHeld) {
      start(execution);
      return execution;
    }
    switch (fire.blockStrategy()) {
      case DISCARD_LATER -> {
        synchronized (latestPerShard) {
          latestPerShard.replace(shard, execution, earlier);
        }
        execution.stop(
            ExecutionEventType.REJECTED,
            "discarded: the fire of "
                + earlier.fire().scheduledTime()
                + " of this job and shard still runs on node "
                + nodeId);
      }
      case COVER_EARLY -> {
        earlier.stop(
            ExecutionEventType.CANCELLED,
            "covered by the later fire of "
                + fire.scheduledTime()
                + " (block strategy COVER_EARLY)");
        earlier.threadDone().whenComplete((v, e) -> start(execution));
      }
      default -> earlier.threadDone().whenComplete((v, e) -> start(execution)); // SERIAL
    }
    return execution;
  }

  private void start(Execution execution) {
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

  /** Renews the guard every third of its life until cancelled; null if the agent is stopping. */
  private ScheduledFuture<?> renewWhileHeld(String attemptKey) {
    long renewMs = guard.renewEvery().toMillis();
    try {
      return timers.scheduleAtFixedRate(
          () -> renew(attemptKey), renewMs, renewMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return null; // timers stopped: the execution is ended ABANDONED by stop()
    }
  }

  private void renew(String attemptKey) {
    try {
      if (!guard.renew(attemptKey)) {
        log.warn("execution guard of {} no longer held by node {}", attemptKey, nodeId);
      }
    } catch (RuntimeException e) {
      log.warn("could not renew the execution guard of {}: {}", attemptKey, e.toString());
    }
  }

  private void release(Execution execution) {
    held.remove(execution.fire().executionId(), execution);
    synchronized (latestPerShard) {
      latestPerShard.remove(
          execution.fire().jobId() + ":" + execution.fire().shardIndex(), execution);
    }
    room.release();
  }

  /** Cancels an execution held here (attempt 0: whichever attempt); false if none matches. */
  public boolean cancel(String executionId, int attempt, String reason) {
    Execution execution = held.get(executionId);
    if (execution == null || (attempt > 0 && execution.fire().attempt() != attempt)) {
      return false;
    }
    return execution.stop(ExecutionEventType.CANCELLED, reason);
  }

  /** Executions whose handler runs now. */
  public int running() {
    return running.get();
  }

  /** Executions held here but not running: waiting behind an earlier fire of their shard. */
  public int queued() {
    return Math.max(0, held.size() - running.get());
  }

  public int capacity() {
    return properties.capacity();
  }

  /** Executions this agent ended, by how they ended. */
  public long outcomes(ExecutionEventType type) {
    AtomicLong count = outcomes.get(type);
    return count == null ? 0 : count.get();
  }

  /** Deliveries dropped because their attempt already ran or runs elsewhere. */
  public long duplicates() {
    return duplicates.get();
  }

  /**
   * Takes no more work, lets running handlers finish within {@code grace}, then interrupts the rest
   * and reports them ABANDONED so that they run elsewhere.
   */
  public void stop(Duration grace) {
    stopping = true;
    long deadline = System.nanoTime() + grace.toNanos();
    for (Execution execution : List.copyOf(held.values())) {
      if (execution.threadDone().isDone()) {
        continue;
      }
      long left = deadline - System.nanoTime();
      try {
        execution.threadDone().get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        break;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (java.util.concurrent.ExecutionException e) {
        // it ended; nothing to wait for
      }
    }
    for (Execution execution : List.copyOf(held.values())) {
      execution.stop(
          ExecutionEventType.ABANDONED,
          "node " + nodeId + " shut down before the handler finished (grace " + grace + ")");
    }
    workers.shutdownNow();
    timers.shutdown();
    for (Execution execution : List.copyOf(held.values())) {
      execution.sent().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
  }
}
