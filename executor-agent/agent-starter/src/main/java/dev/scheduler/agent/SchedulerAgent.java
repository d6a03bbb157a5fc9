package dev.scheduler.agent;

import dev.scheduler.agent.run.Consumers;
import dev.scheduler.agent.run.DaemonThreads;
import dev.scheduler.agent.run.Heartbeats;
import dev.scheduler.agent.run.Reporter;
import dev.scheduler.agent.run.Runner;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.exception.MQClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The agent's life in the business application: starts reporting, consuming and heartbeating with
 * the application, and on shutdown stops taking fires, lets running handlers finish within the
 * grace, reports the ones it had to interrupt (ABANDONED, so they run elsewhere), and leaves the
 * node registry.
 */
public class SchedulerAgent implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SchedulerAgent.class);

  private final AgentIdentity identity;
  private final AgentProperties properties;
  private final Reporter reporter;
  private final Runner runner;
  private final Consumers consumers;
  private final Heartbeats heartbeats;
  private static final Duration CONNECT_RETRY = Duration.ofSeconds(10);
  private volatile boolean running;
  private ScheduledExecutorService connector;

  public SchedulerAgent(
      AgentIdentity identity,
      AgentProperties properties,
      Reporter reporter,
      Runner runner,
      Consumers consumers,
      Heartbeats heartbeats) {
    this.identity = identity;
    this.properties = properties;
    this.reporter = reporter;
    this.runner = runner;
    this.consumers = consumers;
    this.heartbeats = heartbeats;
  }

  @Override
  public void start() {
    try {
      reporter.start();
    } catch (MQClientException e) {
      throw new IllegalStateException("scheduler agent could not start its broker producer", e);
    }
    running = true;
    heartbeats.start();
    // Connecting happens off the startup thread: the business application starts at once, also
    // while the broker is away; fires wait in the broker until the agent is in.
    connector =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("scheduler-agent-connect-"));
    connector.scheduleWithFixedDelay(
        () -> {
          if (!running || startConsumers()) {
            connector.shutdown();
          }
        },
        0,
        CONNECT_RETRY.toMillis(),
        TimeUnit.MILLISECONDS);
    log.info(
        "scheduler agent {} of app {} takes up to {} executions",
        identity.nodeId(),
        identity.app(),
        properties.capacity());
  }

  private synchronized boolean startConsumers() {
    if (!running) {
      return false;
    }
    try {
      consumers.start();
      return true;
    } catch (MQClientException | RuntimeException e) {
      log.warn(
          "scheduler agent cannot reach the broker at {} yet ({}); retrying every {}",
          properties.nameServer(),
          e.getMessage(),
          CONNECT_RETRY);
      return false;
    }
  }

  @Override
  public void stop() {
    synchronized (this) {
      if (!running) {
        return;
      }
      running = false;
    }
    if (connector != null) {
      connector.shutdownNow();
    }
    consumers.stopFires();
    runner.stop(properties.shutdownGrace());
    consumers.stopControl();
    heartbeats.close();
    reporter.close(Duration.ofSeconds(5));
    log.info("scheduler agent {} stopped", identity.nodeId());
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  public AgentIdentity identity() {
    return identity;
  }

  /** Whether the agent takes fire events (its consumers are connected). */
  public boolean connected() {
    return consumers.started();
  }

  public Runner runner() {
    return runner;
  }
}
