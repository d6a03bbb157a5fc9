package dev.scheduler.execution.safety;

import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.ControlCommand;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.execution.ingest.Dispatcher;
import dev.scheduler.execution.store.ExecutionIngest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Ends RUNNING executions whose agent went quiet past their timeout plus a grace: they are marked
 * TIMED_OUT (and follow their retry policy, like a timeout the agent reported), and their agent is
 * told to cancel them in case it still runs them. On one replica at a time.
 */
@Component
public class TimeoutWatchdog {

  private static final Logger log = LoggerFactory.getLogger(TimeoutWatchdog.class);
  private static final int BATCH = 500;

  private final JdbcClient jdbc;
  private final ExecutionIngest ingest;
  private final Dispatcher dispatcher;
  private final SafetyNetProperties properties;
  private final Clock clock;

  public TimeoutWatchdog(
      JdbcClient jdbc,
      ExecutionIngest ingest,
      Dispatcher dispatcher,
      SafetyNetProperties properties,
      Clock clock) {
    this.jdbc = jdbc;
    this.ingest = ingest;
    this.dispatcher = dispatcher;
    this.properties = properties;
    this.clock = clock;
  }

  @Scheduled(fixedDelayString = "${scheduler.execution.safety.timeout-scan-interval:5s}")
  @SchedulerLock(name = "timeout-watchdog", lockAtMostFor = "PT1M")
  public void scheduledScan() {
    scan();
  }

  /** Marks what is overdue now; returns how many. */
  public int scan() {
    Instant now = clock.instant();
    long grace = properties.timeoutGrace().toSeconds();
    // Overdue: started + timeout + grace before now. Seconds are enough for a net this coarse,
    // and TIMESTAMPADD reads the same on MySQL, MariaDB and H2.
    List<ExecutionEvent> overdue =
        jdbc.sql(
                "SELECT execution_id, job_id, app, attempt, node_id, timeout_ms, scheduled_at,"
                    + " started_at, max_attempts"
                    + " FROM scheduler_job_execution WHERE status = 'RUNNING'"
                    + " AND started_at IS NOT NULL AND timeout_ms IS NOT NULL"
                    + " AND TIMESTAMPADD(SECOND, FLOOR(timeout_ms / 1000) + ?, started_at) < ?"
                    + " ORDER BY started_at LIMIT ?")
            .params(grace, Timestamp.from(now), BATCH)
            .query(
                (rs, n) ->
                    new ExecutionEvent(
                        Contracts.SCHEMA_VERSION,
                        ExecutionEventType.TIMED_OUT,
                        rs.getString("execution_id"),
                        rs.getLong("job_id"),
                        rs.getString("app"),
                        rs.getInt("attempt"),
                        rs.getString("node_id"),
                        now,
                        null,
                        "no outcome reported within its timeout of "
                            + Duration.ofMillis(rs.getLong("timeout_ms"))
                            + " plus "
                            + properties.timeoutGrace()
                            + "; marked by execution-service",
                        List.of(),
                        null,
                        rs.getTimestamp("scheduled_at").toInstant(),
                        rs.getTimestamp("started_at").toInstant(),
                        rs.getInt("max_attempts"),
                        false))
            .list();
    if (overdue.isEmpty()) {
      return 0;
    }
    log.warn("{} running executions overdue; marking them TIMED_OUT", overdue.size());
    dispatcher.dispatch(ingest.events(overdue));
    dispatcher.announceApplied(overdue);
    for (ExecutionEvent event : overdue) {
      try {
        dispatcher.control(
            new ControlCommand(
                Contracts.SCHEMA_VERSION,
                ControlCommand.Type.CANCEL,
                event.executionId(),
                event.attempt(),
                event.app(),
                event.nodeId(),
                "execution-service",
                "timed out without a report",
                now));
      } catch (RuntimeException e) {
        log.warn("cancel of overdue {} not sent: {}", event.executionId(), e.toString());
      }
    }
    return overdue.size();
  }
}
