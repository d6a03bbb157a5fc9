package dev.scheduler.monitor.metrics;

import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The platform's execution metrics in Micrometer, from the execution events every agent (and
 * execution-service for its own decisions) publishes. Names are stable and labels bounded: {@code
 * app} and {@code outcome} (an event type) always, {@code job} only for the first {@link
 * MetricsProperties#jobLabelLimit()} jobs seen. Prometheus reads them at {@code
 * /actuator/prometheus} as {@code scheduler_executions_total}, {@code
 * scheduler_execution_duration_seconds}, {@code scheduler_fire_delay_seconds} and so on.
 */
@Component
public class ExecutionMetrics {

  private final MeterRegistry meters;
  private final int jobLabelLimit;
  private final Set<Long> labelledJobs = ConcurrentHashMap.newKeySet();
  private final Counter duplicates;

  public ExecutionMetrics(MeterRegistry meters, MetricsProperties properties) {
    this.meters = meters;
    this.jobLabelLimit = properties.jobLabelLimit();
    this.duplicates =
        Counter.builder("scheduler.monitor.duplicates")
            .description("execution events delivered more than once and dropped by monitor-service")
            .register(meters);
  }

  /** Counts one event that was not seen before. */
  public void record(ExecutionEvent event) {
    ExecutionEventType type = event.type();
    if (type == null || type == ExecutionEventType.LOG) {
      return;
    }
    String app = event.app() == null ? "unknown" : event.app();
    if (event.reportedStart() != null) { // a STARTED event, or an outcome that includes it
      Counter.builder("scheduler.executions.started")
          .description("attempts that began to run")
          .tag("app", app)
          .register(meters)
          .increment();
      Outcomes.fireDelay(event)
          .ifPresent(
              d ->
                  Timer.builder("scheduler.fire.delay")
                      .description("from the fire's due time to the first attempt's start")
                      .tag("app", app)
                      .publishPercentileHistogram()
                      .minimumExpectedValue(Duration.ofMillis(1))
                      .maximumExpectedValue(Duration.ofMinutes(30))
                      .register(meters)
                      .record(d));
    }
    if (type == ExecutionEventType.STARTED) {
      return;
    }
    Counter.builder("scheduler.executions")
        .description("attempts that ended (or were missed), by outcome")
        .tag("app", app)
        .tag("outcome", type.name())
        .register(meters)
        .increment();
    if (labelled(event.jobId())) {
      Counter.builder("scheduler.job.executions")
          .description("attempts that ended, by job (the first jobs seen, up to a bound)")
          .tag("app", app)
          .tag("job_id", Long.toString(event.jobId()))
          .tag("outcome", type.name())
          .register(meters)
          .increment();
    }
    if (!event.lastAttemptEnded() && type.terminal()) {
      Counter.builder("scheduler.executions.retries")
          .description("failed or timed-out attempts that the retry policy runs again")
          .tag("app", app)
          .register(meters)
          .increment();
    }
    Outcomes.duration(event)
        .ifPresent(
            d ->
                Timer.builder("scheduler.execution.duration")
                    .description("how long attempts ran, from start to outcome")
                    .tag("app", app)
                    .tag("outcome", type.name())
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofHours(2))
                    .register(meters)
                    .record(d));
  }

  /** Counts a redelivered event that was dropped. */
  public void duplicate() {
    duplicates.increment();
  }

  private boolean labelled(long jobId) {
    if (labelledJobs.contains(jobId)) {
      return true;
    }
    if (labelledJobs.size() >= jobLabelLimit) {
      return false;
    }
    return labelledJobs.add(jobId) || labelledJobs.contains(jobId);
  }

  /** What Prometheus shows now, for tests and the overview: counter values by their tags. */
  public Map<String, Double> executionCounts(String app) {
    Map<String, Double> counts = new LinkedHashMap<>();
    meters
        .find("scheduler.executions")
        .tag("app", app)
        .counters()
        .forEach(c -> counts.put(c.getId().getTag("outcome"), c.count()));
    return counts;
  }
}
