package dev.scheduler.agent.run;

import dev.scheduler.agent.AgentIdentity;
import dev.scheduler.agent.AgentProperties;
import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.Heartbeat;
import dev.scheduler.contracts.HeartbeatReply;
import dev.scheduler.contracts.HeldLease;
import dev.scheduler.contracts.Json;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports this instance's liveness and load to execution-service's node registry ({@code POST
 * /api/v1/nodes/heartbeat}) and renews the leases it holds with the same request; says goodbye on
 * shutdown ({@code DELETE /api/v1/nodes/{nodeId}}). Runs on its own thread. A heartbeat that fails
 * is sent again after {@link #RETRY}, not a whole interval later: leases this node cannot renew
 * within their time are lost, and their handlers stopped.
 */
public class Heartbeats implements AutoCloseable {

  public static final String TOKEN_HEADER = RegistryHttp.TOKEN_HEADER;
  private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

  /** How soon a failed heartbeat is sent again. */
  static final Duration RETRY = Duration.ofMillis(500);

  /** How long a stopping agent waits for the outcomes it reported to be on record. */
  private static final Duration FAREWELL = Duration.ofSeconds(5);

  private final AgentIdentity identity;
  private final AgentProperties properties;
  private final Runner runner;
  private final Leases leases;
  private final RegistryHttp registry;
  private final Ticker ticker;
  private final Clock clock;
  private final int port;
  private final ScheduledExecutorService timer;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile long lastWarning;

  /**
   * @param port the business application's HTTP port, for operators
   */
  public Heartbeats(
      AgentIdentity identity,
      AgentProperties properties,
      Runner runner,
      Leases leases,
      RegistryHttp registry,
      Ticker ticker,
      Clock clock,
      int port) {
    this.identity = identity;
    this.properties = properties;
    this.runner = runner;
    this.leases = leases;
    this.registry = registry;
    this.ticker = ticker;
    this.clock = clock;
    this.port = port;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("scheduler-agent-heartbeat-"));
  }

  public void start() {
    next(Duration.ZERO);
  }

  private void next(Duration in) {
    try {
      timer.schedule(
          () -> next(beatQuietly() ? properties.heartbeatInterval() : RETRY),
          in.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  /**
   * The heartbeat this instance would send now, renewing {@code renew}, giving up {@code release}.
   */
  Heartbeat current(List<HeldLease> renew, List<HeldLease> release) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    double cpu = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      cpu = os.getProcessCpuLoad();
    }
    return new Heartbeat(
        Contracts.SCHEMA_VERSION,
        identity.nodeId(),
        identity.app(),
        identity.host(),
        port,
        runner.capacity(),
        runner.running(),
        runner.queued(),
        cpu,
        heap.getUsed(),
        heap.getMax(),
        Heartbeats.class.getPackage().getImplementationVersion(),
        clock.instant(),
        renew,
        release);
  }

  /** The heartbeat this instance would send now. */
  public Heartbeat current() {
    return current(leases.toRenew(), leases.toRelease());
  }

  private boolean beatQuietly() {
    try {
      return beat();
    } catch (RuntimeException e) {
      failed(e.toString());
      return false;
    }
  }

  /** Sends one heartbeat; true when a registry took it. */
  public boolean beat() {
    List<HeldLease> renew = leases.toRenew();
    List<HeldLease> release = leases.toRelease();
    long sentAt = ticker.nanos();
    byte[] body = Json.toBytes(current(renew, release));
    RegistryHttp.Answer answer;
    try {
      answer = registry.call("POST", "/api/v1/nodes/heartbeat", body);
    } catch (RegistryHttp.UnavailableException e) {
      failed(e.getMessage());
      return false;
    }
    if (!answer.ok()) {
      failed(answer.from() + " answered " + answer.status());
      return false;
    }
    HeartbeatReply reply = Json.fromBytes(answer.body(), HeartbeatReply.class);
    leases.renewed(sentAt, reply.leaseTtl(), renew, reply.notHeld(), release);
    sent.incrementAndGet();
    return true;
  }

  private void failed(String why) {
    failed.incrementAndGet();
    long now = clock.millis();
    if (now - lastWarning > Duration.ofMinutes(1).toMillis()) {
      lastWarning = now;
      log.warn(
          "heartbeat of node {} not delivered ({}); leases not renewed within their time are lost"
              + " and their handlers stopped",
          identity.nodeId(),
          why);
    }
  }

  public long sent() {
    return sent.get();
  }

  public long failed() {
    return failed.get();
  }

  /**
   * Stops beating: renews what still waits for its outcome to be on record for up to {@link
   * #FAREWELL} (a lease let run out before would fail the finished attempt over), gives up what
   * ended, and tells the registry this node leaves, so it is not waited for as SUSPECT.
   */
  @Override
  public void close() {
    timer.shutdownNow();
    long deadline = ticker.nanos() + FAREWELL.toNanos();
    do {
      if (!beatQuietly() || !leases.finishing()) {
        break;
      }
      try {
        Thread.sleep(RETRY.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    } while (ticker.nanos() - deadline < 0);
    try {
      registry.call("DELETE", "/api/v1/nodes/" + identity.nodeId(), null);
    } catch (RegistryHttp.UnavailableException | RuntimeException e) {
      // the registry notices the silence instead
    }
  }
}
