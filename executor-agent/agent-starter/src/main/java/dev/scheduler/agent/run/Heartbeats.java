package dev.scheduler.agent.run;

import dev.scheduler.agent.AgentIdentity;
import dev.scheduler.agent.AgentProperties;
import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.Heartbeat;
import dev.scheduler.contracts.HeldLease;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.LeaseRenewal;
import dev.scheduler.contracts.LeaseRenewalReply;
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
 * Renews the leases this instance holds and gives up those it is done with ({@code POST
 * /agent/v1/leases/renewals}, {@link LeaseRenewal#MAX_LEASES} of each per request), then reports
 * its liveness and load to execution-service's node registry ({@code POST /agent/v1/heartbeats});
 * says goodbye on shutdown ({@code DELETE /agent/v1/nodes/{nodeId}}). Runs on its own thread. A
 * beat that fails is sent again after {@link #RETRY}, not a whole interval later: leases this node
 * cannot renew within their time are lost, and their handlers stopped.
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

  /** The heartbeat this instance would send now. */
  public Heartbeat current() {
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
        clock.instant());
  }

  private boolean beatQuietly() {
    try {
      return beat();
    } catch (RuntimeException e) {
      failed(e.toString());
      return false;
    }
  }

  /** Renews the leases and sends one heartbeat; true when execution-service took all of it. */
  public boolean beat() {
    try {
      renewLeases();
      RegistryHttp.Answer answer =
          registry.call("POST", "/agent/v1/heartbeats", Json.toBytes(current()));
      if (!answer.ok()) {
        failed(answer.from() + " answered " + answer.status() + " to a heartbeat");
        return false;
      }
    } catch (RegistryHttp.UnavailableException e) {
      failed(e.getMessage());
      return false;
    }
    sent.incrementAndGet();
    return true;
  }

  /**
   * Renews and gives up leases, {@link LeaseRenewal#MAX_LEASES} of each per request: an agent whose
   * runs ended while execution-service's ingest lags renews thousands of them, and none may be left
   * out (one whose finished run is not on record yet would be failed over and run again).
   */
  private void renewLeases() throws RegistryHttp.UnavailableException {
    List<HeldLease> renew = leases.toRenew();
    List<HeldLease> release = leases.toRelease();
    // Nothing held, nothing to give up (an idle agent): no request at all.
    int chunks = Math.max(chunks(renew.size()), chunks(release.size()));
    for (int i = 0; i < chunks; i++) {
      List<HeldLease> renewing = slice(renew, i);
      List<HeldLease> releasing = slice(release, i);
      long sentAt = ticker.nanos();
      RegistryHttp.Answer answer =
          registry.call(
              "POST",
              "/agent/v1/leases/renewals",
              Json.toBytes(
                  new LeaseRenewal(identity.nodeId(), identity.app(), renewing, releasing)));
      if (!answer.ok()) {
        throw new RegistryHttp.UnavailableException(
            answer.from() + " answered " + answer.status() + " to a lease renewal");
      }
      LeaseRenewalReply reply = Json.fromBytes(answer.body(), LeaseRenewalReply.class);
      leases.renewed(sentAt, reply.leaseTtl(), renewing, reply.notHeld(), releasing);
    }
  }

  private static int chunks(int size) {
    return (size + LeaseRenewal.MAX_LEASES - 1) / LeaseRenewal.MAX_LEASES;
  }

  private static List<HeldLease> slice(List<HeldLease> all, int chunk) {
    int from = Math.min(all.size(), chunk * LeaseRenewal.MAX_LEASES);
    return all.subList(from, Math.min(all.size(), from + LeaseRenewal.MAX_LEASES));
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
      registry.call("DELETE", "/agent/v1/nodes/" + identity.nodeId(), null);
    } catch (RegistryHttp.UnavailableException | RuntimeException e) {
      // the registry notices the silence instead
    }
  }
}
