package dev.scheduler.monitor.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduler.testkit.SchemaEngine;
import dev.scheduler.testkit.SettableClock;
import dev.scheduler.testkit.TestDatabase;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * What monitor-service keeps: rollups for their retention, resolved alerts for theirs, open alerts
 * however old; on both engines it runs on, in batches smaller than what there is to delete.
 */
class MonitorRetentionTest {

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  @ParameterizedTest
  @EnumSource(SchemaEngine.class)
  void rows_past_their_retention_go_and_the_rest_stay(SchemaEngine engine) {
    TestDatabase db = engine.migrated("monitor_retention");
    DataSource source = new DriverManagerDataSource(db.jdbcUrl(), db.username(), db.password());
    JdbcClient jdbc = JdbcClient.create(source);
    for (int day : List.of(40, 35, 31, 29, 1)) {
      for (String subject : List.of("*", "billing", "42")) {
        metric(jdbc, subject, NOW.minus(Duration.ofDays(day)));
      }
    }
    long oldResolved = alert(jdbc, "RESOLVED", NOW.minus(Duration.ofDays(100)));
    long recentResolved = alert(jdbc, "RESOLVED", NOW.minus(Duration.ofDays(10)));
    long oldOpen = alert(jdbc, "FIRING", null);
    MonitorRetention retention =
        new MonitorRetention(
            jdbc,
            new NamedParameterJdbcTemplate(source),
            new RetentionProperties(
                Duration.ofDays(30), Duration.ofDays(90), Duration.ofMinutes(10), 2),
            new SettableClock(NOW));

    MonitorRetention.Deleted deleted = retention.run();

    assertThat(deleted).isEqualTo(new MonitorRetention.Deleted(9, 1));
    assertThat(
            jdbc
                .sql("SELECT bucket_start FROM scheduler_metrics")
                .query(Timestamp.class)
                .list()
                .stream()
                .map(Timestamp::toInstant))
        .hasSize(6)
        .allSatisfy(at -> assertThat(at).isAfter(NOW.minus(Duration.ofDays(30))));
    assertThat(jdbc.sql("SELECT id FROM scheduler_alert").query(Long.class).list())
        .containsExactlyInAnyOrder(recentResolved, oldOpen);
    assertThat(jdbc.sql("SELECT alert_id FROM scheduler_alert_event").query(Long.class).list())
        .doesNotContain(oldResolved)
        .contains(recentResolved, oldOpen);
    assertThat(retention.run())
        .as("nothing left to delete")
        .isEqualTo(new MonitorRetention.Deleted(0, 0));
  }

  private static void metric(JdbcClient jdbc, String subject, Instant bucket) {
    jdbc.sql(
            "INSERT INTO scheduler_metrics (bucket_start, scope, subject, runs, updated_at)"
                + " VALUES (?, ?, ?, 1, ?)")
        .params(
            Timestamp.from(bucket),
            subject.equals("*") ? "PLATFORM" : subject.equals("42") ? "JOB" : "APP",
            subject,
            Timestamp.from(bucket))
        .update();
  }

  private static long alert(JdbcClient jdbc, String status, Instant resolvedAt) {
    Instant fired = NOW.minus(Duration.ofDays(200));
    String key = status.equals("RESOLVED") ? null : "1:job:" + System.nanoTime();
    jdbc.sql(
            "INSERT INTO scheduler_alert (rule_id, subject_key, severity, status, title,"
                + " occurrences, first_fired_at, last_fired_at, resolved_at, open_key)"
                + " VALUES (1, 'job:42', 'CRITICAL', ?, 't', 1, ?, ?, ?, ?)")
        .params(
            status,
            Timestamp.from(fired),
            Timestamp.from(fired),
            resolvedAt == null ? null : Timestamp.from(resolvedAt),
            key)
        .update();
    long id = jdbc.sql("SELECT MAX(id) FROM scheduler_alert").query(Long.class).single();
    jdbc.sql(
            "INSERT INTO scheduler_alert_event (alert_id, occurred_at, event_type, to_status, actor)"
                + " VALUES (?, ?, 'FIRED', 'FIRING', 'rule')")
        .params(id, Timestamp.from(fired))
        .update();
    return id;
  }
}
