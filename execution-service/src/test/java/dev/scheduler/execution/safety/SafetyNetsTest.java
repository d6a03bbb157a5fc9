package dev.scheduler.execution.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.ControlCommand;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.contracts.Topics;
import dev.scheduler.execution.TestAttempts;
import dev.scheduler.execution.TestMessages;
import dev.scheduler.execution.api.ExecutionQueries;
import dev.scheduler.execution.store.ExecutionIngest;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.FireTraffic;
import dev.scheduler.testkit.RealServers;
import dev.scheduler.testkit.SettableClock;
import dev.scheduler.testkit.TopicReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;

/** The timeout watchdog and retention, at instants set by a settable clock. */
@SpringBootTest(
    properties = {
      "scheduler.execution.safety.timeout-scan-interval=1h",
      "scheduler.execution.safety.retention-scan-interval=1h",
      "scheduler.execution.safety.dispatch-scan-interval=1h",
      "scheduler.execution.safety.resend-scan-interval=1h",
      "scheduler.execution.safety.retention-batch=2"
    })
@RealServers(redis = false)
@DirtiesContext
class SafetyNetsTest {

  private static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");
  private static FireTraffic traffic;
  private static TopicReader<ControlCommand> commands;

  @Autowired SettableClock clock;
  @Autowired TimeoutWatchdog watchdog;
  @Autowired Retention retention;
  @Autowired DispatchWatchdog dispatchWatchdog;
  @Autowired RetryResend retryResend;
  @Autowired ExecutionIngest ingest;
  @Autowired JdbcTemplate jdbc;
  @Autowired ExecutionQueries queries;

  @TestConfiguration
  static class Clocks {
    @Bean
    SettableClock clock() {
      return new SettableClock(T0);
    }
  }

  @BeforeAll
  static void connect() {
    String nameServer = EmbeddedRocketMq.shared().nameServerAddress();
    traffic = FireTraffic.connect(nameServer);
    commands = TopicReader.of(nameServer, Topics.CONTROL, ControlCommand.class);
  }

  @AfterAll
  static void disconnect() {
    commands.close();
    traffic.close();
  }

  @Test
  void a_running_execution_silent_past_its_timeout_and_grace_is_timed_out_retried_and_cancelled() {
    clock.set(T0);
    FireEvent fire =
        TestMessages.fire(
            job(),
            "safety",
            T0,
            new RetryPolicy(2, RetryPolicy.Backoff.FIXED, Duration.ZERO, null));
    ingest.fires(List.of(fire));
    ingest.events(List.of(TestMessages.event(fire, ExecutionEventType.STARTED, 1, T0)));

    // Timeout 1 min + grace 30 s: not yet at 1:29, overdue at 1:31.
    clock.set(T0.plusSeconds(89));
    assertThat(watchdog.scan()).isZero();
    clock.set(T0.plusSeconds(91));
    assertThat(watchdog.scan()).isEqualTo(1);

    Map<String, Object> row = row(fire);
    assertThat(row.get("status")).isIn("RETRYING", "WAITING");
    assertThat(TestAttempts.of(queries, fire.executionId())).startsWith("1:TIMED_OUT");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !traffic.firesOf(fire.executionId(), 2).isEmpty());
    // announced for the topic's other readers (monitor-service), with what they need to know
    ExecutionEvent announced = traffic.awaitEvent(fire.executionId(), ExecutionEventType.TIMED_OUT);
    assertThat(announced.attempt()).isEqualTo(1);
    assertThat(announced.startedTime()).isEqualTo(T0);
    assertThat(announced.scheduledTime()).isEqualTo(fire.scheduledTime());
    assertThat(announced.maxAttempts()).isEqualTo(2);
    assertThat(announced.lastAttemptEnded()).isFalse();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                commands.messages().stream()
                    .anyMatch(c -> c.executionId().equals(fire.executionId())));
  }

  @Test
  void retention_deletes_old_executions_with_their_logs_in_batches_and_keeps_recent_ones() {
    clock.set(T0);
    List<FireEvent> old = List.of(fire(T0), fire(T0), fire(T0));
    ingest.fires(old);
    ingest.events(old.stream().map(f -> TestMessages.log(f, 1, T0, "line 1", "line 2")).toList());
    clock.set(T0.plus(Duration.ofDays(20)));
    FireEvent recent = fire(clock.instant());
    ingest.fires(List.of(recent));
    ingest.events(List.of(TestMessages.log(recent, 1, clock.instant(), "kept")));

    clock.set(T0.plus(Duration.ofDays(31)));
    int deleted = retention.run();

    assertThat(deleted).isGreaterThanOrEqualTo(3);
    for (FireEvent gone : old) {
      assertThat(row(gone)).isNull();
      assertThat(lines(gone)).isZero();
    }
    assertThat(row(recent)).isNotNull();
    assertThat(lines(recent)).isEqualTo(1);
  }

  @Test
  void an_execution_no_agent_starts_is_reported_missed_and_moves_on_if_an_agent_takes_it_later() {
    clock.set(T0);
    FireEvent fire = fire(T0);
    ingest.fires(List.of(fire));

    clock.set(T0.plus(Duration.ofMinutes(4)));
    dispatchWatchdog.scan();
    clock.set(T0.plus(Duration.ofMinutes(6)));
    assertThat(dispatchWatchdog.scan()).isGreaterThanOrEqualTo(1);

    // The MISSED event travels through the broker like an agent's, and the ingest applies it.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(row(fire)).containsEntry("status", "MISSED"));
    assertThat(traffic.eventsOf(fire.executionId()))
        .extracting(e -> e.type())
        .contains(ExecutionEventType.MISSED);

    ingest.events(
        List.of(TestMessages.event(fire, ExecutionEventType.STARTED, 1, clock.instant())));
    assertThat(row(fire)).containsEntry("status", "RUNNING");
  }

  @Test
  void a_retry_whose_send_was_lost_is_sent_again_once_it_is_overdue() {
    clock.set(T0);
    FireEvent fire = fire(T0);
    ingest.fires(List.of(fire));
    // As if the retry was decided and committed but the broker never got the next attempt.
    jdbc.update(
        "UPDATE scheduler_job_execution SET status = 'RETRYING', next_retry_at = ?"
            + " WHERE execution_id = ?",
        java.sql.Timestamp.from(T0.plusSeconds(10)),
        fire.executionId());

    clock.set(T0.plusSeconds(60));
    assertThat(retryResend.scan()).isZero();
    clock.set(T0.plusSeconds(71));
    assertThat(retryResend.scan()).isGreaterThanOrEqualTo(1);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !traffic.firesOf(fire.executionId(), 2).isEmpty());
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(row(fire))
                    .containsEntry("status", "WAITING")
                    .containsEntry("attempt", 2));
  }

  private FireEvent fire(Instant due) {
    return TestMessages.fire(job(), "safety", due, RetryPolicy.NONE);
  }

  private static long job() {
    return ThreadLocalRandom.current().nextLong(1, 1L << 40);
  }

  private Map<String, Object> row(FireEvent fire) {
    List<Map<String, Object>> rows =
        jdbc.queryForList(
            "SELECT * FROM scheduler_job_execution WHERE execution_id = ?", fire.executionId());
    return rows.isEmpty() ? null : rows.get(0);
  }

  private int lines(FireEvent fire) {
    return jdbc.queryForObject(
        "SELECT COUNT(*) FROM scheduler_job_log WHERE execution_id = ?",
        Integer.class,
        fire.executionId());
  }
}
