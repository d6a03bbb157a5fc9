package dev.scheduler.execution.safety;

import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.execution.ingest.Dispatcher;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Marks MISSED the executions no agent started within the dispatch timeout (no live agent of the
 * app, or all of them full), with a MISSED event on the execution topic for monitoring and alerts.
 * It does not send them again: the fire event stays in the broker for the app's agents, and a
 * second copy under a new attempt would run the work twice once an agent takes the first. If an
 * agent takes it later, its events move the execution on from MISSED. On one replica at a time.
 */
@Component
public class DispatchWatchdog {

  private static final Logger log = LoggerFactory.getLogger(DispatchWatchdog.class);
  private static final int BATCH = 500;

  private final JdbcClient jdbc;
  private final Dispatcher dispatcher;
  private final SafetyNetProperties properties;
  private final Clock clock;

  public DispatchWatchdog(
      JdbcClient jdbc, Dispatcher dispatcher, SafetyNetProperties properties, Clock clock) {
    this.jdbc = jdbc;
    this.dispatcher = dispatcher;
    this.properties = properties;
    this.clock = clock;
  }

  @Scheduled(fixedDelayString = "${scheduler.execution.safety.dispatch-scan-interval:10s}")
  @SchedulerLock(name = "dispatch-watchdog", lockAtMostFor = "PT1M")
  public void scheduledScan() {
    scan();
  }

  /** Reports every execution waiting past the timeout as MISSED; returns how many. */
  public int scan() {
    Instant now = clock.instant();
    List<ExecutionEvent> missed =
        jdbc.sql(
                "SELECT execution_id, job_id, app, attempt, trace_id, scheduled_at, max_attempts"
                    + " FROM scheduler_job_execution"
                    + " WHERE status = 'WAITING' AND updated_at < ? ORDER BY updated_at LIMIT ?")
            .params(Timestamp.from(now.minus(properties.dispatchTimeout())), BATCH)
            .query(
                (rs, n) ->
                    new ExecutionEvent(
                        Contracts.SCHEMA_VERSION,
                        ExecutionEventType.MISSED,
                        rs.getString("execution_id"),
                        rs.getLong("job_id"),
                        rs.getString("app"),
                        rs.getInt("attempt"),
                        null,
                        now,
                        null,
                        "no agent of "
                            + rs.getString("app")
                            + " started it within "
                            + properties.dispatchTimeout(),
                        List.of(),
                        rs.getString("trace_id"),
                        rs.getTimestamp("scheduled_at").toInstant(),
                        null,
                        rs.getInt("max_attempts"),
                        false))
            .list();
    for (ExecutionEvent event : missed) {
      try {
        dispatcher.report(event);
      } catch (RuntimeException e) {
        log.warn("MISSED event of {} not sent: {}", event.executionId(), e.toString());
      }
    }
    if (!missed.isEmpty()) {
      log.warn(
          "{} executions waited past {} without an agent",
          missed.size(),
          properties.dispatchTimeout());
    }
    return missed.size();
  }
}
