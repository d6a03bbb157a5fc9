package dev.scheduler.execution.safety;

import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Json;
import dev.scheduler.execution.ingest.Dispatcher;
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
 * Sends again the next attempt of executions still RETRYING well after the attempt was due: the
 * send after the decision's commit failed (broker away), or the message was lost. A copy that
 * arrives twice is harmless: the ingest counts the second as a duplicate and the agents' guard,
 * keyed on the attempt, runs it once. On one replica at a time.
 */
@Component
public class RetryResend {

  private static final Logger log = LoggerFactory.getLogger(RetryResend.class);
  private static final int BATCH = 500;

  /** How long after its due time an attempt may take to show up before it is sent again. */
  static final Duration OVERDUE = Duration.ofMinutes(1);

  private final JdbcClient jdbc;
  private final Dispatcher dispatcher;
  private final Clock clock;

  public RetryResend(JdbcClient jdbc, Dispatcher dispatcher, Clock clock) {
    this.jdbc = jdbc;
    this.dispatcher = dispatcher;
    this.clock = clock;
  }

  @Scheduled(fixedDelayString = "${scheduler.execution.safety.resend-scan-interval:30s}")
  @SchedulerLock(name = "retry-resend", lockAtMostFor = "PT5M")
  public void scheduledScan() {
    scan();
  }

  /** Sends again every overdue attempt; returns how many. */
  public int scan() {
    Instant now = clock.instant();
    record Overdue(String executionId, int attempt, String fireEvent) {}
    List<Overdue> overdue =
        jdbc.sql(
                "SELECT execution_id, attempt, fire_event FROM scheduler_job_execution"
                    + " WHERE status = 'RETRYING' AND next_retry_at < ? AND fire_event IS NOT NULL"
                    + " ORDER BY next_retry_at LIMIT ?")
            .params(Timestamp.from(now.minus(OVERDUE)), BATCH)
            .query(
                (rs, n) ->
                    new Overdue(
                        rs.getString("execution_id"),
                        rs.getInt("attempt"),
                        rs.getString("fire_event")))
            .list();
    int sent = 0;
    for (Overdue row : overdue) {
      FireEvent fire = Json.fromJson(row.fireEvent(), FireEvent.class);
      try {
        dispatcher.send(fire.nextAttempt(row.attempt() + 1, now), 0);
        sent++;
      } catch (RuntimeException e) {
        log.warn(
            "attempt {} of {} not sent again: {}",
            row.attempt() + 1,
            row.executionId(),
            e.toString());
      }
    }
    if (sent > 0) {
      log.warn("sent {} overdue retries again", sent);
    }
    return sent;
  }
}
