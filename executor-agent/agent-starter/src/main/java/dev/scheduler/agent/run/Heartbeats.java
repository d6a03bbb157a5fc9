package dev.scheduler.agent.run;

import dev.scheduler.agent.AgentIdentity;
import dev.scheduler.agent.AgentProperties;
import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.Heartbeat;
import dev.scheduler.contracts.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.HttpURLConnection;
import java.net.URI;
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
        int status = call("POST", base.resolve("/api/v1/nodes/heartbeat"), body);
        if (status / 100 == 2) {
          sent.incrementAndGet();
          return true;
        }
        last = base + " answered " + status;
      } catch (IOException | RuntimeException e) {
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

  /**
   * One request to the registry; returns the status. The JDK's plain {@code HttpURLConnection}
   * (keep-alive included), not {@code java.net.http.HttpClient}: the latter loads the JDK's trust
   * store and keeps a selector thread from its creation, for a request every few seconds to a
   * plain-HTTP address in most deployments.
   */
  private int call(String method, URI uri, byte[] body) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
    int timeout = (int) properties.registry().timeout().toMillis();
    connection.setConnectTimeout(timeout);
    connection.setReadTimeout(timeout);
    connection.setRequestMethod(method);
    connection.setInstanceFollowRedirects(false);
    if (properties.registry().token() != null) {
      connection.setRequestProperty(TOKEN_HEADER, properties.registry().token());
    }
    if (body != null) {
      connection.setDoOutput(true);
      connection.setRequestProperty("Content-Type", "application/json");
      connection.setFixedLengthStreamingMode(body.length);
      try (OutputStream out = connection.getOutputStream()) {
        out.write(body);
      }
    }
    int status = connection.getResponseCode();
    // Read to the end, so that the connection goes back to the keep-alive pool.
    try (InputStream in =
        status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
      if (in != null) {
        in.transferTo(OutputStream.nullOutputStream());
      }
    }
    return status;
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
        if (call("DELETE", base.resolve("/api/v1/nodes/" + identity.nodeId()), null) / 100 == 2) {
          return;
        }
      } catch (IOException | RuntimeException e) {
        // the registry notices the silence instead
      }
    }
  }
}
