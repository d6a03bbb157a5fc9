package dev.scheduler.agent.run;

import dev.scheduler.agent.AgentProperties;
import dev.scheduler.agent.handler.HandlerRegistry;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the fire events this agent takes. At most {@code capacity} executions are held at once
 * (running or waiting behind an earlier fire of the same job and shard); the consumer thread that
 * brings one more waits for room, so the broker keeps what this agent cannot take. Each execution
 * takes the Redis guard of its attempt first; the block strategy decides what happens when an
 * earlier fire of the same job and shard still runs here.
 */
public class Runner {

  private static final Logger log = LoggerFactory.getLogger(Runner.class);

  /** What became of a fire event handed to the agent. */
  public enum Acceptance {
    /** It runs or waits here. */
    ACCEPTED,
    /** Another delivery of the same attempt holds its guard or already ran it: dropped. */
    DUPLICATE,
    /** The agent is stopping: the broker should deliver it to another agent. */
    STOPPING
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
    this.timers =
        Executors.newScheduledThreadPool(1, DaemonThreads.named("scheduler-agent-timer-"));
  }

  /**
   * Takes a fire event: waits for room, takes the guard, then runs or queues it.
   *
   * @throws ExecutionGuard.GuardUnavailableException when Redis does not answer; the event must go
   *     back to the broker, since it may not run unguarded
   */
  public Acceptance accept(FireEvent fire) throws InterruptedException {
    if (stopping) {
      return Acceptance.STOPPING;
    }
    room.acquire();
    boolean kept = false;
    try {
      if (stopping) {
        return Acceptance.STOPPING;
      }
      if (!guard.take(fire.attemptKey())) {
        duplicates.incrementAndGet();
        log.info("dropped duplicate delivery of {} attempt {}", fire.executionId(), fire.attempt());
        return Acceptance.DUPLICATE;
      }
      kept = true;
      admit(fire);
      return Acceptance.ACCEPTED;
    } finally {
      if (!kept) {
        room.release();
      }
    }
  }

  private void admit(FireEvent fire) {
    HandlerRegistry.Resolution resolution = handlers.resolve(fire);
    Execution execution = new Execution(fire, resolution.work(), nodeId, reporter, guard, clock);
    held.put(fire.executionId(), execution);
    execution.threadDone().whenComplete((v, e) -> release(execution));
    execution.onEnd(type -> outcomes.get(type).incrementAndGet());
    if (resolution.refusal() != null) {
      execution.stop(ExecutionEventType.REJECTED, resolution.refusal() + " (node " + nodeId + ")");
      return;
    }
    String shard = fire.jobId() + ":" + fire.shardIndex();
    Execution earlier;
    synchronized (latestPerShard) {
      earlier = latestPerShard.put(shard, execution);
    }
    boolean earlierHeld = earlier != null && !earlier.threadDone().isDone();
    if (!earlierHeld) {
      start(execution);
      return;
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
    String attemptKey = execution.fire().attemptKey();
    ScheduledFuture<?> timer =
        timers.schedule(
            () ->
                execution.stop(
                    ExecutionEventType.TIMED_OUT,
                    "ran past its timeout of " + timeout + " on node " + nodeId + "; interrupted"),
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    long renewMs = guard.renewEvery().toMillis();
    ScheduledFuture<?> renewal =
        timers.scheduleAtFixedRate(
            () -> renew(attemptKey), renewMs, renewMs, TimeUnit.MILLISECONDS);
    long flushMs = properties.logFlushInterval().toMillis();
    ScheduledFuture<?> flush =
        timers.scheduleAtFixedRate(
            () -> execution.flushLog(false), flushMs, flushMs, TimeUnit.MILLISECONDS);
    running.incrementAndGet();
    try {
      execution.run();
    } finally {
      running.decrementAndGet();
      timer.cancel(false);
      renewal.cancel(false);
      flush.cancel(false);
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
