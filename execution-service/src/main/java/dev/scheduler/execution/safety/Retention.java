package dev.scheduler.execution.safety;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes executions, their attempts and their log lines older than the retention (and the counts
 * of refused agent requests of that time), oldest first, a few hundred executions per statement and
 * each statement its own transaction: the tables never grow without bound, and no delete holds
 * locks long enough to stall the ingest. On one replica at a time.
 */
@Component
public class Retention {

  private static final Logger log = LoggerFactory.getLogger(Retention.class);
  private static final int LOG_LINES_PER_DELETE = 10_000;

  private final JdbcClient jdbc;
  private final NamedParameterJdbcTemplate named;
  private final SafetyNetProperties properties;
  private final Clock clock;

  public Retention(
      JdbcClient jdbc,
      NamedParameterJdbcTemplate named,
      SafetyNetProperties properties,
      Clock clock) {
    this.jdbc = jdbc;
    this.named = named;
    this.properties = properties;
    this.clock = clock;
  }

  @Scheduled(fixedDelayString = "${scheduler.execution.safety.retention-scan-interval:10m}")
  @SchedulerLock(name = "retention", lockAtMostFor = "PT30M")
  public void scheduledRun() {
    run();
  }

  /** Deletes everything older than the retention; returns how many executions went. */
  public int run() {
    Instant before = clock.instant().minus(properties.retention());
    int deleted = 0;
    while (true) {
      List<String> ids =
          jdbc.sql(
                  "SELECT execution_id FROM scheduler_job_execution WHERE created_at < ?"
                      + " ORDER BY created_at LIMIT ?")
              .params(Timestamp.from(before), properties.retentionBatch())
              .query(String.class)
              .list();
      if (ids.isEmpty()) {
        break;
      }
      Map<String, Object> params = Map.of("ids", ids, "lines", LOG_LINES_PER_DELETE);
      // Log lines go in slices too: a few hundred executions may hold a million lines.
      while (named.update(
              "DELETE FROM scheduler_job_log WHERE execution_id IN (:ids) LIMIT :lines", params)
          > 0) {
        // next slice
      }
      named.update(
          "DELETE FROM scheduler_job_execution_attempt WHERE execution_id IN (:ids)", params);
      named.update("DELETE FROM scheduler_job_execution WHERE execution_id IN (:ids)", params);
      deleted += ids.size();
    }
    // the refused agent requests kept per minute go with the executions of their time
    jdbc.sql("DELETE FROM scheduler_agent_refusal WHERE at_minute < ?")
        .param(Timestamp.from(before))
        .update();
    if (deleted > 0) {
      log.info("deleted {} executions older than {}", deleted, before);
    }
    return deleted;
  }
}
