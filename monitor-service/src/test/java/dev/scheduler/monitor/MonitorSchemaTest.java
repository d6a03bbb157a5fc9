package dev.scheduler.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scheduler.testkit.SchemaEngine;
import dev.scheduler.testkit.TestDatabase;
import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The monitor-service migrations on both engines it runs on, and what its schema guarantees. */
class MonitorSchemaTest {

  private static final Timestamp AT = Timestamp.from(Instant.parse("2026-01-01T08:00:00.500Z"));

  private static JdbcTemplate migrated(SchemaEngine engine) {
    TestDatabase db = engine.migrated("monitor_schema");
    return new JdbcTemplate(
        new DriverManagerDataSource(db.jdbcUrl(), db.username(), db.password()));
  }

  private static void openAlert(JdbcTemplate jdbc, String openKey) {
    jdbc.update(
        "INSERT INTO scheduler_alert (rule_id, subject_key, job_id, severity, status, title,"
            + " first_fired_at, last_fired_at, open_key)"
            + " VALUES (1, 'job:42', 42, 'CRITICAL', ?, 'job 42 failed', ?, ?, ?)",
        openKey == null ? "RESOLVED" : "FIRING",
        AT,
        AT,
        openKey);
  }

  @ParameterizedTest
  @EnumSource(SchemaEngine.class)
  void at_most_one_open_alert_per_rule_and_subject_but_any_number_resolved(SchemaEngine engine) {
    JdbcTemplate jdbc = migrated(engine);
    openAlert(jdbc, null);
    openAlert(jdbc, null);
    openAlert(jdbc, "1:job:42");

    assertThatThrownBy(() -> openAlert(jdbc, "1:job:42")).isInstanceOf(DuplicateKeyException.class);
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM scheduler_alert", Integer.class))
        .isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(SchemaEngine.class)
  void one_metrics_row_per_scope_subject_and_minute(SchemaEngine engine) {
    JdbcTemplate jdbc = migrated(engine);
    String rollup =
        "INSERT INTO scheduler_metrics (bucket_start, scope, subject, job_id, runs, failed,"
            + " duration_p95_ms, updated_at) VALUES (?, 'JOB', '42', 42, 10, 1, 250, ?)";

    jdbc.update(rollup, AT, AT);

    assertThatThrownBy(() -> jdbc.update(rollup, AT, AT)).isInstanceOf(DuplicateKeyException.class);
    assertThat(
            jdbc.queryForObject(
                "SELECT duration_p95_ms FROM scheduler_metrics WHERE subject = '42'", Long.class))
        .isEqualTo(250L);
  }

  @ParameterizedTest
  @EnumSource(SchemaEngine.class)
  void rule_and_channel_names_are_unique(SchemaEngine engine) {
    JdbcTemplate jdbc = migrated(engine);
    String rule =
        "INSERT INTO scheduler_alert_rule (name, rule_type, severity, created_at, updated_at)"
            + " VALUES ('failures', 'CONSECUTIVE_FAILURES', 'CRITICAL', ?, ?)";
    String channel =
        "INSERT INTO scheduler_notification_channel (name, channel_type, config, created_at,"
            + " updated_at) VALUES ('ops-slack', 'SLACK', '{}', ?, ?)";

    jdbc.update(rule, AT, AT);
    jdbc.update(channel, AT, AT);

    assertThatThrownBy(() -> jdbc.update(rule, AT, AT)).isInstanceOf(DuplicateKeyException.class);
    assertThatThrownBy(() -> jdbc.update(channel, AT, AT))
        .isInstanceOf(DuplicateKeyException.class);
  }
}
