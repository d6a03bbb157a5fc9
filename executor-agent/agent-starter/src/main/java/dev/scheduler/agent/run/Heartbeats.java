package dev.scheduler.agent.run;

import dev.scheduler.agent.AgentIdentity;
import dev.scheduler.agent.AgentProperties;
import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.Heartbeat;
import dev.scheduler.contracts.Json;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports this instance's liveness and load to execution-service's node registry ({@code POST
 * /api/v1/nodes/heartbeat}, header {@value #TOKEN_HEADER}) and says goodbye on shutdown ({@code
 * DELETE /api/v1/nodes/{nodeId}}). Runs on its own thread; a failed heartbeat is logged (at most
 * once a minute) and never touches job execution.
 */
public class Heartbeats implements AutoCloseable {

  public static final String TOKEN_HEADER = "X-Scheduler-Agent-Token";
  private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

  private final AgentIdentity identity;
  private final AgentProperties properties;
  private final Runner runner;
  private final Supplier<List<URI>> registry;
  private final Clock clock;
  private final int port;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile long lastWarning;

  /**
   * @param registry base URLs of execution-service, first reachable one wins
   * @param port the business application's HTTP port, for operators
   */
  public Heartbeats(
      AgentIdentity identity,
      AgentProperties properties,
      Runner runner,
      Supplier<List<URI>> registry,
      Clock clock,
      int port) {
    this.identity = identity;
    this.properties = properties;
    this.runner = runner;
    this.registry = registry;
    this.clock = clock;
    this.port = port;
    this.http = HttpClient.newBuilder().connectTimeout(properties.registry().timeout()).build();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("scheduler-agent-heartbeat-"));
  }

  public void start() {
    long every = properties.heartbeatInterval().toMillis();
    timer.scheduleWithFixedDelay(this::beatQuietly, 0, every, TimeUnit.MILLISECONDS);
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

  private void beatQuietly() {
    try {
      beat();
    } catch (RuntimeException e) {
      failed(e.toString());
    }
  }

  /** Sends one heartbeat; true when a registry took it. */
  public boolean beat() {
    byte[] body = Json.toBytes(current());
    String last = "no execution-service instance known";
    for (URI base : registry.get()) {
      try {
        HttpResponse<Void> response =
            http.send(
                request(base.resolve("/api/v1/nodes/heartbeat"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 == 2) {
          sent.incrementAndGet();
          return true;
        }
        last = base + " answered " + response.statusCode();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (Exception e) {
        last = base + ": " + e;
      }
    }
    failed(last);
    return false;
  }

  private void failed(String why) {
    failed.incrementAndGet();
    long now = clock.millis();
    if (now - lastWarning > Duration.ofMinutes(1).toMillis()) {
      lastWarning = now;
      log.warn(
          "heartbeat of node {} not delivered ({}); jobs keep running", identity.nodeId(), why);
    }
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri).timeout(properties.registry().timeout());
    if (properties.registry().token() != null) {
      builder.header(TOKEN_HEADER, properties.registry().token());
    }
    return builder;
  }

  public long sent() {
    return sent.get();
  }

  public long failed() {
    return failed.get();
  }

  /** Stops beating and tells the registry this node leaves, so it is not waited for as SUSPECT. */
  @Override
  public void close() {
    timer.shutdownNow();
    for (URI base : registry.get()) {
      try {
        HttpResponse<Void> response =
            http.send(
                request(base.resolve("/api/v1/nodes/" + identity.nodeId())).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 == 2) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        // the registry notices the silence instead
      }
    }
  }
}
