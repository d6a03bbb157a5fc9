package dev.scheduler.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scheduler.testkit.SchemaEngine;
import dev.scheduler.testkit.TestDatabase;
import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The job-service migrations on both engines it runs on, and the guarantees the schema keeps. */
class JobSchemaTest {

  private static final Instant NOW = Instant.parse("2026-03-29T01:00:00.123Z");

  private static JdbcTemplate migrated(SchemaEngine engine) {
    TestDatabase db = engine.migrated("job_schema");
    return new JdbcTemplate(
        new DriverManagerDataSource(db.jdbcUrl(), db.username(), db.password()));
  }

  private static long insertJob(JdbcTemplate jdbc, String app, String name) {
    jdbc.update(
        "INSERT INTO scheduler_job_definition (app, name, job_type, job_class, schedule_type,"
            + " cron_expression, time_zone, timeout_ms, status, created_at, updated_at)"
            + " VALUES (?, ?, 'BEAN', 'reportJob', 'CRON', '0 0 2 * * ?', 'Europe/Berlin', 60000,"
            + " 'ACTIVE', ?, ?)",
        app,
        name,
        Timestamp.from(NOW),
        Timestamp.from(NOW));
    return jdbc.queryForObject(
        "SELECT id FROM scheduler_job_definition WHERE app = ? AND name = ? AND deleted_id = 0",
        Long.class,
        app,
        name);
  }

  @ParameterizedTest
  @EnumSource(SchemaEngine.class)
  void a_job_name_is_unique_among_the_live_jobs_of_an_app(SchemaEngine engine) {
    JdbcTemplate jdbc = migrated(engine);
    long first = insertJob(jdbc, "billing", "nightly-report");

    assertThatThrownBy(() -> insertJob(jdbc, "billing", "nightly-report"))
        .isInstanceOf(DuplicateKeyException.class);
    insertJob(jdbc, "payroll", "nightly-report");

    jdbc.update(
        "UPDATE scheduler_job_definition SET status = 'DELETED', deleted_id = id WHERE id = ?",
        first);
    long reused = insertJob(jdbc, "billing", "nightly-report");
    assertThat(reused).isNotEqualTo(first);
  }

  @ParameterizedTest
  @EnumSource(SchemaEngine.class)
  void times_keep_their_milliseconds_and_defaults_are_production_safe(SchemaEngine engine) {
    JdbcTemplate jdbc = migrated(engine);
    long id = insertJob(jdbc, "billing", "ms");

    var row = jdbc.queryForMap("SELECT * FROM scheduler_job_definition WHERE id = ?", id);

    Timestamp created =
        jdbc.queryForObject(
            "SELECT created_at FROM scheduler_job_definition WHERE id = ?", Timestamp.class, id);
    assertThat(created.toInstant()).isEqualTo(NOW);
    assertThat(row.get("shard_count")).isEqualTo(1);
    assertThat(row.get("priority")).isEqualTo(5);
    assertThat(row.get("retry_max_attempts")).isEqualTo(1);
    assertThat(row.get("misfire_policy")).isEqualTo("FIRE_NOW");
    assertThat(row.get("block_strategy")).isEqualTo("SERIAL");
    assertThat(row.get("time_zone")).isEqualTo("Europe/Berlin");
  }

  @ParameterizedTest
  @EnumSource(SchemaEngine.class)
  void a_quartz_trigger_cannot_exist_without_its_job(SchemaEngine engine) {
    JdbcTemplate jdbc = migrated(engine);

    assertThatThrownBy(
            () ->
                jdbc.update(
                    "INSERT INTO QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP, JOB_NAME,"
                        + " JOB_GROUP, TRIGGER_STATE, TRIGGER_TYPE, START_TIME)"
                        + " VALUES ('s', 't', 'g', 'missing', 'g', 'WAITING', 'CRON', 0)"))
        .isInstanceOf(DataIntegrityViolationException.class);
  }

  @ParameterizedTest
  @EnumSource(SchemaEngine.class)
  void every_change_of_a_job_can_be_recorded_with_its_before_and_after(SchemaEngine engine) {
    JdbcTemplate jdbc = migrated(engine);
    long id = insertJob(jdbc, "billing", "audited");
    String bigSnapshot = "{\"jobData\":\"" + "x".repeat(70_000) + "\"}";

    jdbc.update(
        "INSERT INTO scheduler_job_audit (job_id, action, actor, changed_at, changes,"
            + " before_state, after_state, job_version) VALUES (?, 'UPDATED', 'alice', ?, ?, ?, ?,"
            + " 1)",
        id,
        Timestamp.from(NOW),
        "[\"jobData\"]",
        "{}",
        bigSnapshot);

    assertThat(
            jdbc.queryForObject(
                "SELECT after_state FROM scheduler_job_audit WHERE job_id = ?", String.class, id))
        .isEqualTo(bigSnapshot);
  }
}
