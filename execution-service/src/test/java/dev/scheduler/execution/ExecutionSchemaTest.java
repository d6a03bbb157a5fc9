package dev.scheduler.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scheduler.contracts.Ids;
import dev.scheduler.testkit.SchemaEngine;
import dev.scheduler.testkit.TestDatabase;
import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The execution-service migrations on both engines it runs on, and the keys that make its consumers
 * idempotent.
 */
class ExecutionSchemaTest {

  private static final Instant DUE = Instant.parse("2026-10-25T00:59:59.999Z");

  private static JdbcTemplate migrated(SchemaEngine engine) {
    TestDatabase db = engine.migrated("execution_schema");
    return new JdbcTemplate(
        new DriverManagerDataSource(db.jdbcUrl(), db.username(), db.password()));
  }

  private static void insertExecution(JdbcTemplate jdbc, String executionId) {
    jdbc.update(
        "INSERT INTO scheduler_job_execution (execution_id, fire_id, job_id, app, status,"
            + " scheduled_at, created_at, updated_at) VALUES (?, ?, 7, 'billing', 'WAITING', ?, ?,"
            + " ?)",
        executionId,
        Ids.fireId(7, DUE),
        Timestamp.from(DUE),
        Timestamp.from(DUE),
        Timestamp.from(DUE));
  }

  @ParameterizedTest
  @EnumSource(SchemaEngine.class)
  void one_row_per_execution_id_whatever_the_number_of_deliveries(SchemaEngine engine) {
    JdbcTemplate jdbc = migrated(engine);
    String executionId = Ids.executionId(Ids.fireId(7, DUE), 0);
    insertExecution(jdbc, executionId);

    assertThatThrownBy(() -> insertExecution(jdbc, executionId))
        .isInstanceOf(DuplicateKeyException.class);
    insertExecution(jdbc, Ids.executionId(Ids.fireId(7, DUE), 1));

    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM scheduler_job_execution", Integer.class))
        .isEqualTo(2);
    Timestamp scheduled =
        jdbc.queryForObject(
            "SELECT scheduled_at FROM scheduler_job_execution WHERE execution_id = ?",
            Timestamp.class,
            executionId);
    assertThat(scheduled.toInstant()).isEqualTo(DUE);
  }

  @ParameterizedTest
  @EnumSource(SchemaEngine.class)
  void a_log_line_delivered_twice_is_stored_once(SchemaEngine engine) {
    JdbcTemplate jdbc = migrated(engine);
    String insertLine =
        "INSERT INTO scheduler_job_log (execution_id, attempt, seq, logged_at, level, message)"
            + " VALUES ('7-1-0', ?, ?, ?, 'INFO', 'hello')";

    jdbc.update(insertLine, 1, 0, Timestamp.from(DUE));
    jdbc.update(insertLine, 1, 1, Timestamp.from(DUE));
    jdbc.update(insertLine, 2, 0, Timestamp.from(DUE));

    assertThatThrownBy(() -> jdbc.update(insertLine, 1, 1, Timestamp.from(DUE)))
        .isInstanceOf(DuplicateKeyException.class);
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM scheduler_job_log", Integer.class))
        .isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(SchemaEngine.class)
  void an_attempt_is_recorded_once_per_execution(SchemaEngine engine) {
    JdbcTemplate jdbc = migrated(engine);
    String insertAttempt =
        "INSERT INTO scheduler_job_execution_attempt (execution_id, attempt, trigger_type, status)"
            + " VALUES ('7-1-0', ?, 'RETRY', 'FAILED')";

    jdbc.update(insertAttempt, 1);
    jdbc.update(insertAttempt, 2);

    assertThatThrownBy(() -> jdbc.update(insertAttempt, 2))
        .isInstanceOf(DuplicateKeyException.class);
  }

  @ParameterizedTest
  @EnumSource(SchemaEngine.class)
  void a_safety_net_lock_has_one_holder(SchemaEngine engine) {
    JdbcTemplate jdbc = migrated(engine);
    String take =
        "INSERT INTO scheduler_job_lock (name, lock_until, locked_at, locked_by)"
            + " VALUES ('timeout-watchdog', ?, ?, ?)";

    jdbc.update(take, Timestamp.from(DUE.plusSeconds(30)), Timestamp.from(DUE), "replica-a");

    assertThatThrownBy(
            () ->
                jdbc.update(
                    take, Timestamp.from(DUE.plusSeconds(30)), Timestamp.from(DUE), "replica-b"))
        .isInstanceOf(DuplicateKeyException.class);
  }

  @ParameterizedTest
  @EnumSource(SchemaEngine.class)
  void a_node_is_registered_once_and_found_by_app_and_state(SchemaEngine engine) {
    JdbcTemplate jdbc = migrated(engine);
    String register =
        "INSERT INTO scheduler_node_registry (node_id, app, host, port, state, capacity,"
            + " cpu_load, registered_at, last_heartbeat_at, state_changed_at)"
            + " VALUES (?, 'billing', '10.0.0.7', 8080, ?, 16, 0.5, ?, ?, ?)";
    Timestamp at = Timestamp.from(DUE);

    jdbc.update(register, "billing-a", "ONLINE", at, at, at);
    jdbc.update(register, "billing-b", "OFFLINE", at, at, at);

    assertThatThrownBy(() -> jdbc.update(register, "billing-a", "ONLINE", at, at, at))
        .isInstanceOf(DuplicateKeyException.class);
    assertThat(
            jdbc.queryForList(
                "SELECT node_id FROM scheduler_node_registry WHERE app = 'billing'"
                    + " AND state = 'ONLINE'",
                String.class))
        .containsExactly("billing-a");
  }
}
