package dev.scheduler.monitor;

import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.BlockStrategy;
import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Ids;
import dev.scheduler.contracts.JobType;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.testkit.FireTraffic;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Fire and execution events as job-service and the agents send them, for monitor-service's tests.
 */
public final class MonitorEvents {

  private MonitorEvents() {}

  /** The one-shard fire of {@code job} in {@code app} due at {@code due}. */
  public static FireEvent fire(String app, long job, Instant due, RetryPolicy policy) {
    String fireId = Ids.fireId(job, due);
    return new FireEvent(
        Contracts.SCHEMA_VERSION,
        job,
        fireId,
        Ids.executionId(fireId, 0),
        app,
        JobType.BEAN,
        "h",
        null,
        null,
        0,
        1,
        null,
        due,
        due,
        Duration.ofMinutes(1),
        1,
        policy,
        BlockStrategy.SERIAL,
        fireId,
        null);
  }

  /** What an agent reports about {@code attempt} of {@code fire}, at {@code at}. */
  public static ExecutionEvent event(
      FireEvent fire, ExecutionEventType type, int attempt, Instant at, Instant startedAt) {
    return ExecutionEvent.of(type, fire.nextAttempt(attempt, fire.firedTime()), "node-1", at)
        .withTiming(fire.scheduledTime(), startedAt);
  }

  /**
   * A new consumer group starts at the queues' end once the broker has assigned them: sends probes
   * until one shows in the Prometheus output, so that a test's events come after that point.
   */
  public static void awaitConsuming(FireTraffic traffic, Supplier<String> prometheus) {
    String probeApp = "probe-" + UUID.randomUUID().toString().substring(0, 6);
    AtomicInteger sent = new AtomicInteger();
    Instant due = Instant.parse("2026-01-01T00:00:00Z");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              FireEvent probe =
                  fire(probeApp, 1, due.plusSeconds(sent.incrementAndGet()), RetryPolicy.NONE);
              traffic.report(ExecutionEvent.of(ExecutionEventType.STARTED, probe, "probe", due));
              return prometheus
                  .get()
                  .contains("scheduler_executions_started_total{app=\"" + probeApp + "\"}");
            });
  }
}
