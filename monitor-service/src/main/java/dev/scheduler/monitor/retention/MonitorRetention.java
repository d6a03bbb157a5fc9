package dev.scheduler.monitor.retention;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes per-minute rollups older than their retention, and resolved alerts (with their steps)
 * resolved longer ago than theirs, oldest first, a batch per statement and each statement its own
 * transaction, so that the tables stop growing and no delete stalls the rollup writes. Replicas may
 * run it at once: a row two of them pick is simply gone for the second.
 */
@Component
public class MonitorRetention {

  private static final Logger log = LoggerFactory.getLogger(MonitorRetention.class);

  private final JdbcClient jdbc;
  private final NamedParameterJdbcTemplate named;
  private final RetentionProperties properties;
  private final Clock clock;

  public MonitorRetention(
      JdbcClient jdbc,
      NamedParameterJdbcTemplate named,
      RetentionProperties properties,
      Clock clock) {
    this.jdbc = jdbc;
    this.named = named;
    this.properties = properties;
    this.clock = clock;
  }

  @Scheduled(
      initialDelayString = "${scheduler.monitor.retention.interval:10m}",
      fixedDelayString = "${scheduler.monitor.retention.interval:10m}")
  public void scheduledRun() {
    run();
  }

  /** What one run deleted. */
  public record Deleted(int metrics, int alerts) {}

  /** Deletes everything past its retention now. */
  public Deleted run() {
    Instant now = clock.instant();
    int metrics = deleteMetricsBefore(now.minus(properties.metrics()));
    int alerts = deleteAlertsResolvedBefore(now.minus(properties.resolvedAlerts()));
    if (metrics > 0 || alerts > 0) {
      log.info(
          "deleted {} metric rows and {} resolved alerts past their retention", metrics, alerts);
    }
    return new Deleted(metrics, alerts);
  }

  private int deleteMetricsBefore(Instant before) {
    return deleteInBatches(
        "SELECT id FROM scheduler_metrics WHERE bucket_start < ? ORDER BY bucket_start LIMIT ?",
        before,
        "DELETE FROM scheduler_metrics WHERE id IN (:ids)");
  }

  private int deleteAlertsResolvedBefore(Instant before) {
    return deleteInBatches(
        "SELECT id FROM scheduler_alert WHERE status = 'RESOLVED' AND resolved_at < ?"
            + " ORDER BY resolved_at LIMIT ?",
        before,
        "DELETE FROM scheduler_alert_event WHERE alert_id IN (:ids)",
        "DELETE FROM scheduler_alert WHERE id IN (:ids)");
  }

  /**
   * Picks a batch of ids with {@code selectIds} (parameters: the cutoff, the batch size), runs each
   * of {@code deletes} on them ({@code :ids}), and goes on until none is left.
   */
  private int deleteInBatches(String selectIds, Instant before, String... deletes) {
    int deleted = 0;
    while (true) {
      List<Long> ids =
          jdbc.sql(selectIds)
              .params(Timestamp.from(before), properties.batch())
              .query(Long.class)
              .list();
      if (ids.isEmpty()) {
        return deleted;
      }
      for (String delete : deletes) {
        named.update(delete, Map.of("ids", ids));
      }
      deleted += ids.size();
    }
  }
}
