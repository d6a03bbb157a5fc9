package dev.scheduler.execution.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.execution.TestAttempts;
import dev.scheduler.execution.TestMessages;
import dev.scheduler.execution.api.ExecutionQueries;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.FireTraffic;
import dev.scheduler.testkit.RealServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;

/** Fire and execution events through the real broker into the execution tables. */
@SpringBootTest(properties = "scheduler.execution.ingest.max-log-lines=50")
@RealServers(redis = false)
// Closed after the class: a live context consumes the shared topics and would act on the events
// of the next class (retrying its executions by its own clock).
@DirtiesContext
class ExecutionIngestTest {

  private static FireTraffic traffic;

  @Autowired JdbcTemplate jdbc;
  @Autowired ExecutionIngest ingest;
  @Autowired MeterRegistry meters;
  @Autowired ExecutionQueries queries;

  @BeforeAll
  static void connect() {
    traffic = FireTraffic.connect(EmbeddedRocketMq.shared().nameServerAddress());
  }

  @AfterAll
  static void disconnect() {
    traffic.close();
  }

  @Test
  void a_fire_and_its_events_make_one_succeeded_execution_with_its_log() {
    FireEvent fire = fire(RetryPolicy.NONE);
    traffic.publish(fire);
    traffic.report(event(fire, ExecutionEventType.STARTED, 1, 1));
    traffic.report(log(fire, 1, 2, "loaded 10 rows", "wrote 10 rows"));
    traffic.report(event(fire, ExecutionEventType.SUCCEEDED, 1, 3).withResult("10 rows"));

    // The fire and the events travel on different topics and queues: wait until all arrived.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                row(fire) != null
                    && "SUCCEEDED".equals(row(fire).get("status"))
                    && row(fire).get("fire_event") != null
                    && row(fire).get("started_at") != null
                    && logLines(fire).size() == 2);
    Map<String, Object> row = row(fire);
    assertThat(row)
        .containsEntry("attempt", 1)
        .containsEntry("node_id", "node-a")
        .containsEntry("result", "10 rows")
        .containsEntry("handler", "report")
        .containsEntry("log_lines", 2);
    assertThat(row.get("started_at")).isNotNull();
    assertThat(row.get("finished_at")).isNotNull();
    assertThat(logLines(fire)).containsExactly("loaded 10 rows", "wrote 10 rows");
    assertThat(attempts(fire)).containsExactly("1:SUCCEEDED");
  }

  @Test
  void a_short_run_reported_by_its_outcome_alone_has_its_start_and_its_lines_once() {
    FireEvent fire = fire(RetryPolicy.NONE);
    Instant started = fire.scheduledTime().plusMillis(1_004);
    ExecutionEvent outcome =
        event(fire, ExecutionEventType.SUCCEEDED, 1, 1)
            .withResult("3 rows")
            .withTiming(fire.scheduledTime(), started)
            .withLogLines(log(fire, 1, 1, "loaded 3 rows", "wrote 3 rows").logLines())
            .withStartIncluded();
    traffic.publish(fire);
    traffic.report(outcome);
    traffic.report(outcome); // redelivered

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                row(fire) != null
                    && "SUCCEEDED".equals(row(fire).get("status"))
                    && row(fire).get("fire_event") != null
                    && (Integer) row(fire).get("duplicate_events") >= 1);
    Map<String, Object> row = row(fire);
    assertThat(((Timestamp) row.get("started_at")).toInstant()).isEqualTo(started);
    assertThat(row).containsEntry("result", "3 rows").containsEntry("log_lines", 2);
    assertThat(logLines(fire)).containsExactly("loaded 3 rows", "wrote 3 rows");
    assertThat(attempts(fire)).containsExactly("1:SUCCEEDED");
  }

  @Test
  void a_fire_an_operator_triggered_is_recorded_as_manual_whichever_arrives_first() {
    FireEvent scheduled = fire(RetryPolicy.NONE);
    FireEvent manual = fire(RetryPolicy.NONE).manually();
    FireEvent manualLate = fire(RetryPolicy.NONE).manually();
    traffic.publish(scheduled);
    traffic.publish(manual);
    traffic.report(event(manualLate, ExecutionEventType.STARTED, 1, 1));
    traffic.publish(manualLate);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                List.of(scheduled, manual, manualLate).stream()
                    .allMatch(f -> row(f) != null && row(f).get("fire_event") != null));
    assertThat(row(scheduled)).containsEntry("trigger_type", "SCHEDULE");
    assertThat(row(manual)).containsEntry("trigger_type", "MANUAL");
    assertThat(row(manualLate)).containsEntry("trigger_type", "MANUAL");
  }

  @Test
  void events_arriving_before_the_fire_and_twice_still_make_one_correct_row() {
    FireEvent fire = fire(RetryPolicy.NONE);
    traffic.report(event(fire, ExecutionEventType.SUCCEEDED, 1, 3).withResult("done"));
    traffic.report(event(fire, ExecutionEventType.STARTED, 1, 1));
    traffic.report(log(fire, 1, 2, "one"));
    traffic.report(log(fire, 1, 2, "one"));
    traffic.report(event(fire, ExecutionEventType.SUCCEEDED, 1, 3).withResult("done"));
    traffic.publish(fire);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                row(fire) != null
                    && row(fire).get("fire_event") != null
                    && "SUCCEEDED".equals(row(fire).get("status"))
                    && row(fire).get("started_at") != null
                    && !logLines(fire).isEmpty()
                    && (Integer) row(fire).get("duplicate_events") >= 1);
    Map<String, Object> row = row(fire);
    assertThat(row).containsEntry("result", "done").containsEntry("handler", "report");
    assertThat(row.get("started_at")).isNotNull();
    assertThat((Integer) row.get("duplicate_events")).isGreaterThanOrEqualTo(1);
    assertThat(logLines(fire)).containsExactly("one");
    assertThat(count("SELECT COUNT(*) FROM scheduler_job_execution WHERE execution_id = ?", fire))
        .isEqualTo(1);
  }

  @Test
  void a_failing_execution_is_retried_after_its_backoff_and_stops_after_its_attempts() {
    FireEvent fire =
        fire(new RetryPolicy(2, RetryPolicy.Backoff.FIXED, Duration.ofSeconds(2), null));
    traffic.publish(fire);
    traffic.report(event(fire, ExecutionEventType.STARTED, 1, 1));
    Instant failedAt = Instant.now();
    traffic.report(
        new ExecutionEvent(
            Contracts.SCHEMA_VERSION,
            ExecutionEventType.FAILED,
            fire.executionId(),
            fire.jobId(),
            fire.app(),
            1,
            "node-a",
            failedAt,
            null,
            "boom",
            List.of(),
            fire.traceId()));

    awaitStatus(fire, "RETRYING");
    // The retry is a broker timer message: it arrives after the backoff, as attempt 2.
    List<FireEvent> retries = awaitFires(fire.executionId(), 2);
    FireEvent retry = retries.get(0);
    assertThat(retry.firedTime()).isAfterOrEqualTo(failedAt.plusSeconds(2).minusMillis(200));
    awaitStatus(fire, "WAITING");
    assertThat(row(fire)).containsEntry("attempt", 2).containsEntry("trigger_type", "RETRY");

    traffic.report(event(retry, ExecutionEventType.STARTED, 2, 10));
    traffic.report(event(retry, ExecutionEventType.FAILED, 2, 11));

    awaitStatus(fire, "FAILED");
    assertThat(attempts(fire)).containsExactly("1:FAILED", "2:FAILED");
  }

  @Test
  void log_lines_beyond_the_bound_are_dropped_and_the_execution_says_so() {
    FireEvent fire = fire(RetryPolicy.NONE);
    traffic.publish(fire);
    String[] lines = new String[60];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = "line " + i;
    }
    traffic.report(log(fire, 1, 2, lines));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Boolean.TRUE.equals(row(fire).get("log_truncated")));
    assertThat(logLines(fire)).hasSize(50).startsWith("line 0").endsWith("line 49");
  }

  @Test
  void two_replicas_writing_the_same_new_executions_at_once_make_one_row_each() throws Exception {
    double rerunsBefore = meters.counter("scheduler.execution.ingest.rerun").count();
    ExecutorService replicas = Executors.newFixedThreadPool(2);
    try {
      // Rounds until the race happened at least once: both find no row and insert, and the loser
      // of the unique key runs its batch again.
      for (int round = 0;
          round < 50 && meters.counter("scheduler.execution.ingest.rerun").count() == rerunsBefore;
          round++) {
        List<FireEvent> fires = new ArrayList<>();
        List<ExecutionEvent> events = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          FireEvent fire = fire(RetryPolicy.NONE);
          fires.add(fire);
          events.add(event(fire, ExecutionEventType.STARTED, 1, 1));
          events.add(event(fire, ExecutionEventType.SUCCEEDED, 1, 2));
        }
        CountDownLatch go = new CountDownLatch(1);
        Callable<List<ExecutionIngest.Dispatch>> write =
            () -> {
              go.await();
              return ingest.write(fires, events);
            };
        Future<?> first = replicas.submit(write);
        Future<?> second = replicas.submit(write);
        go.countDown();
        first.get(30, TimeUnit.SECONDS);
        second.get(30, TimeUnit.SECONDS);

        for (FireEvent fire : fires) {
          assertThat(row(fire))
              .containsEntry("status", "SUCCEEDED")
              .containsEntry("handler", "report")
              // the second copy of SUCCEEDED; its fire and STARTED rank below the row: stale
              .containsEntry("duplicate_events", 1);
          assertThat(attempts(fire)).containsExactly("1:SUCCEEDED");
        }
      }
    } finally {
      replicas.shutdownNow();
    }
    assertThat(meters.counter("scheduler.execution.ingest.rerun").count())
        .isGreaterThan(rerunsBefore);
  }

  // ---- helpers

  private void awaitStatus(FireEvent fire, String status) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(row(fire)).containsEntry("status", status));
  }

  private static List<FireEvent> awaitFires(String executionId, int attempt) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !traffic.firesOf(executionId, attempt).isEmpty());
    return traffic.firesOf(executionId, attempt);
  }

  private Map<String, Object> row(FireEvent fire) {
    List<Map<String, Object>> rows =
        jdbc.queryForList(
            "SELECT * FROM scheduler_job_execution WHERE execution_id = ?", fire.executionId());
    return rows.isEmpty() ? null : rows.get(0);
  }

  private List<String> logLines(FireEvent fire) {
    return jdbc.queryForList(
        "SELECT message FROM scheduler_job_log WHERE execution_id = ? ORDER BY attempt, seq",
        String.class,
        fire.executionId());
  }

  private List<String> attempts(FireEvent fire) {
    return TestAttempts.of(queries, fire.executionId());
  }

  private int count(String sql, FireEvent fire) {
    return jdbc.queryForObject(sql, Integer.class, fire.executionId());
  }

  private static FireEvent fire(RetryPolicy policy) {
    return TestMessages.fire(
        ThreadLocalRandom.current().nextLong(1, 1L << 40),
        "billing",
        Instant.now().truncatedTo(ChronoUnit.SECONDS),
        policy);
  }

  private static ExecutionEvent event(
      FireEvent fire, ExecutionEventType type, int attempt, long second) {
    return TestMessages.event(fire, type, attempt, fire.scheduledTime().plusSeconds(second));
  }

  private static ExecutionEvent log(FireEvent fire, int attempt, long second, String... lines) {
    return TestMessages.log(fire, attempt, fire.scheduledTime().plusSeconds(second), lines);
  }
}
