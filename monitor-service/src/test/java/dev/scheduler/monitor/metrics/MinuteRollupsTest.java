package dev.scheduler.monitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.testkit.SchemaEngine;
import dev.scheduler.testkit.SettableClock;
import dev.scheduler.testkit.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Minute rollups on both engines monitor-service runs on: a minute is written once its grace has
 * passed, and a share of the same minute written later (a late event, another replica) is merged
 * into the stored row.
 */
class MinuteRollupsTest {

  private static final Instant MINUTE = Instant.parse("2026-11-25T10:15:00Z");

  @ParameterizedTest
  @EnumSource(SchemaEngine.class)
  void a_minute_is_written_after_its_grace_and_later_shares_are_merged(SchemaEngine engine) {
    TestDatabase db = engine.migrated("monitor_rollups");
    JdbcClient jdbc =
        JdbcClient.create(new DriverManagerDataSource(db.jdbcUrl(), db.username(), db.password()));
    SettableClock clock = new SettableClock(MINUTE);
    MinuteRollups rollups =
        new MinuteRollups(
            jdbc,
            clock,
            new MetricsProperties(500, Duration.ofSeconds(30), Duration.ofSeconds(10), 1000));

    rollups.add(outcome(ExecutionEventType.SUCCEEDED, 1, 100));
    rollups.add(outcome(ExecutionEventType.FAILED, 2, 300));
    clock.set(MINUTE.plusSeconds(89));
    assertThat(rollups.flush()).as("the minute's grace runs until 10:16:30").isZero();
    clock.set(MINUTE.plusSeconds(90));
    assertThat(rollups.flush()).as("platform, app and job rows").isEqualTo(3);

    // a late event of the same minute
    rollups.add(outcome(ExecutionEventType.SUCCEEDED, 3, 900));
    clock.set(MINUTE.plusSeconds(200));
    rollups.flush();

    Map<String, Object> job =
        jdbc.sql(
                "SELECT runs, succeeded, failed, duration_p95_ms, duration_max_ms"
                    + " FROM scheduler_metrics WHERE scope = 'JOB' AND subject = '42'")
            .query()
            .singleRow();
    assertThat(((Number) job.get("runs")).longValue()).isEqualTo(3);
    assertThat(((Number) job.get("succeeded")).longValue()).isEqualTo(2);
    assertThat(((Number) job.get("failed")).longValue()).isEqualTo(1);
    assertThat(((Number) job.get("duration_p95_ms")).longValue())
        .as("the larger p95")
        .isEqualTo(900);
    assertThat(((Number) job.get("duration_max_ms")).longValue()).isEqualTo(900);
  }

  private static ExecutionEvent outcome(ExecutionEventType type, int n, long millis) {
    Instant start = MINUTE.plusSeconds(n);
    return new ExecutionEvent(
        Contracts.SCHEMA_VERSION,
        type,
        "42-" + start.toEpochMilli() + "-0",
        42,
        "billing",
        1,
        "node-1",
        start.plusMillis(millis),
        null,
        null,
        List.of(),
        null,
        start,
        start,
        1,
        false);
  }
}
