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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the fire events this agent takes. At most {@code capacity} executions are held at once
 * (running or waiting behind an earlier fire of the same job and shard); the consumer thread that
 * brings one more waits for room, so the broker keeps what this agent cannot take. Each execution
 * runs only under the lease of its attempt, claimed from execution-service first and renewed by the
 * heartbeats from then on, also while it waits; a lease lost stops it. The block strategy decides
 * what happens when an earlier fire of the same job and shard still runs here.
 */
public class Runner {

  private static final Logger log = LoggerFactory.getLogger(Runner.class);

  /** What became of a fire event handed to the agent. */
  public enum Acceptance {
    /** It runs or waits here. */
    ACCEPTED,
    /**
     * The attempt's lease was granted before (it runs or ran here or elsewhere; a holder that dies
     * is failed over when its lease runs out), or the execution ended or moved on: dropped.
     */
    DUPLICATE,
    /**
     * An earlier attempt's holder still holds the execution's lease and may still run it: the
     * broker should deliver the fire again once that lease was released or ran out.
     */
    BUSY,
    /** The agent is stopping: the broker should deliver it to another agent. */
    STOPPING
  }

  /**
   * What {@link #accept} did with a fire event. Once ACCEPTED the fire may leave the broker: its
   * lease is on record, and were this agent to die, the lease would run out and execution-service
   * would run the attempt again as the next one.
   *
   * @param acceptance what became of it
   * @param retryAfter for BUSY: when the holding lease runs out unless renewed
   */
  public record Admission(Acceptance acceptance, Duration retryAfter) {
    static Admission of(Acceptance acceptance) {
      return new Admission(acceptance, Duration.ZERO);
    }
  }

  private final String nodeId;
  private final AgentProperties properties;
  private final HandlerRegistry handlers;
  private final LeaseClient leaseClient;
  private final Leases leases;
  private final Reporter reporter;
  private final Clock clock;
  private final Semaphore room;
  private final Workers workers;
  private final Map<String, Execution> held = new ConcurrentHashMap<>();

  /**
   * Attempts a delivery is claiming the lease of right now, until the execution is in {@link
   * #held}: a second delivery of the same fire at that moment (the broker hands a queue's
   * unacknowledged messages out again after a rebalance) is dropped without a claim of its own.
   */
  private final Set<String> taking = ConcurrentHashMap.newKeySet();

  private final Map<String, Execution> latestPerShard = new ConcurrentHashMap<>();
  private final AtomicLong duplicates = new AtomicLong();
  private final Map<ExecutionEventType, AtomicLong> outcomes =
      new java.util.EnumMap<>(ExecutionEventType.class);
  private volatile boolean stopping;

  public Runner(
      String nodeId,
      AgentProperties properties,
      HandlerRegistry handlers,
      LeaseClient leaseClient,
      Leases leases,
      Reporter reporter,
      Clock clock) {
    this.nodeId = nodeId;
    this.properties = properties;
    this.handlers = handlers;
    this.leaseClient = leaseClient;
    this.leases = leases;
    this.reporter = reporter;
    this.clock = clock;
    for (ExecutionEventType type : ExecutionEventType.values()) {
      if (type.terminal()) {
        outcomes.put(type, new AtomicLong());
      }
    }
    this.room = new Semaphore(properties.capacity());
    this.workers = new Workers(nodeId, properties);
    leases.onLost(this::leaseLost);
    workers
        .timers()
        .scheduleWithFixedDelay(
            leases::sweep, SWEEP.toMillis(), SWEEP.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** How often leases are checked for having run out unconfirmed. */
  private static final Duration SWEEP = Duration.ofMillis(100);

  /** Stops the attempt whose lease was lost, if it still waits or runs here. */
  private void leaseLost(Lease lease, String why) {
    Execution execution = held.get(lease.id().executionId());
    if (execution != null && execution.fire().attempt() == lease.id().attempt()) {
      execution.stop(
          ExecutionEventType.LEASE_LOST,
          "the lease of node "
              + nodeId
              + " was lost ("
              + why
              + "): the handler was interrupted and its result, if any, not reported; the attempt"
              + " runs again as the next one");
    }
  }

  /**
   * Takes a fire event: waits for room, claims the lease of its attempt, then runs or queues it.
   *
   * @throws RegistryHttp.UnavailableException when execution-service did not decide about the
   *     lease; the event must go back to the broker, since it may not run without one
   */
  public Admission accept(FireEvent fire)
      throws InterruptedException, RegistryHttp.UnavailableException {
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
      mine = taking.add(fire.attemptKey());
      if (!mine || holds(fire.executionId(), fire.attempt())) {
        return duplicate(fire, "this node holds it already");
      }
      LeaseClient.Claimed claimed = leaseClient.claim(fire);
      switch (claimed.grant().verdict()) {
        case GRANTED -> {
          kept = true;
          admit(fire, claimed.lease());
          return Admission.of(Acceptance.ACCEPTED);
        }
        case DONE -> {
          return duplicate(fire, claimed.grant().why());
        }
        case BUSY -> {
          log.info(
              "{} attempt {} waits: {}", fire.executionId(), fire.attempt(), claimed.grant().why());
          return new Admission(Acceptance.BUSY, claimed.grant().retryAfter());
        }
        default ->
            throw new RegistryHttp.UnavailableException(
                "execution-service answered a verdict this agent does not know");
      }
    } finally {
      if (mine) {
        taking.remove(fire.attemptKey());
      }
      if (!kept) {
        room.release();
      }
    }
  }

  private Admission duplicate(FireEvent fire, String why) {
    duplicates.incrementAndGet();
    log.info("dropped a delivery of {} attempt {}: {}", fire.executionId(), fire.attempt(), why);
    return Admission.of(Acceptance.DUPLICATE);
  }

  /** Whether this agent holds (runs or keeps waiting) that attempt. */
  private boolean holds(String executionId, int attempt) {
    Execution here = held.get(executionId);
    return here != null && here.fire().attempt() == attempt;
  }

  private Execution admit(FireEvent fire, Lease lease) {
    HandlerRegistry.Resolution resolution = handlers.resolve(fire);
    Execution execution = new Execution(fire, resolution.work(), nodeId, reporter, lease, clock);
    held.put(fire.executionId(), execution);
    execution
        .threadDone()
        .whenComplete(
            (v, e) -> {
              release(execution);
              // Given up once the outcome is stored: were it given up before and this node died,
              // nothing would run the attempt again.
              execution.sent().whenComplete((s, f) -> leases.ended(lease, execution.outcome()));
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
      workers.start(execution);
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
        earlier.threadDone().whenComplete((v, e) -> workers.start(execution));
      }
      default -> earlier.threadDone().whenComplete((v, e) -> workers.start(execution)); // SERIAL
    }
    return execution;
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
    return workers.running();
  }

  /** Executions held here but not running: waiting behind an earlier fire of their shard. */
  public int queued() {
    return Math.max(0, held.size() - workers.running());
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
    workers.shutdown();
    for (Execution execution : List.copyOf(held.values())) {
      execution.sent().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
  }
}
