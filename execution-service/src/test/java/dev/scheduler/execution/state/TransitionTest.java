package dev.scheduler.execution.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.execution.state.Transition.Next;
import dev.scheduler.execution.state.Transition.State;
import dev.scheduler.execution.state.Transition.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TransitionTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final RetryPolicy NO_RETRY = RetryPolicy.NONE;
  private static final RetryPolicy THREE_TRIES =
      new RetryPolicy(
          3, RetryPolicy.Backoff.EXPONENTIAL, Duration.ofSeconds(2), Duration.ofSeconds(30));

  @Test
  void started_moves_a_waiting_execution_to_running_on_its_node() {
    var result = Transition.onEvent(waiting(1), event(ExecutionEventType.STARTED, 1, 1), NO_RETRY);

    assertThat(result.verdict()).isEqualTo(Verdict.APPLIED);
    assertThat(result.state().status()).isEqualTo(ExecutionStatus.RUNNING);
    assertThat(result.state().nodeId()).isEqualTo("node-a");
    assertThat(result.state().startedAt()).isEqualTo(T0.plusSeconds(1));
  }

  @ParameterizedTest
  @EnumSource(
      value = ExecutionEventType.class,
      names = {"SUCCEEDED", "CANCELLED", "REJECTED"})
  void an_outcome_ends_a_running_execution_for_good(ExecutionEventType type) {
    var result = Transition.onEvent(running(1), event(type, 1, 5), THREE_TRIES);

    assertThat(result.verdict()).isEqualTo(Verdict.APPLIED);
    assertThat(result.state().status()).isEqualTo(ExecutionStatus.of(type));
    assertThat(result.state().status().terminal()).isTrue();
    assertThat(result.state().finishedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(result.state().startedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(result.next()).isNull();
  }

  @ParameterizedTest
  @EnumSource(
      value = ExecutionEventType.class,
      names = {"FAILED", "TIMED_OUT"})
  void a_failure_with_attempts_left_schedules_the_retry_after_the_backoff(ExecutionEventType type) {
    var first = Transition.onEvent(running(1), event(type, 1, 5), THREE_TRIES);
    assertThat(first.state().status()).isEqualTo(ExecutionStatus.RETRYING);
    assertThat(first.next()).isEqualTo(Next.RETRY);
    assertThat(first.nextDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(first.state().nextRetryAt()).isEqualTo(T0.plusSeconds(7));

    var second = Transition.onEvent(running(2), event(type, 2, 9), THREE_TRIES);
    assertThat(second.nextDelay()).isEqualTo(Duration.ofSeconds(4));

    var last = Transition.onEvent(running(3), event(type, 3, 20), THREE_TRIES);
    assertThat(last.state().status()).isEqualTo(ExecutionStatus.of(type));
    assertThat(last.next()).isNull();
  }

  @Test
  void without_a_retry_policy_a_failure_is_final() {
    var result = Transition.onEvent(running(1), event(ExecutionEventType.FAILED, 1, 5), NO_RETRY);

    assertThat(result.state().status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(result.state().error()).isEqualTo("boom");
    assertThat(result.next()).isNull();
  }

  @Test
  void an_abandoned_attempt_fails_over_even_without_retries_but_not_forever() {
    var first = Transition.onEvent(running(1), event(ExecutionEventType.ABANDONED, 1, 5), NO_RETRY);
    // RETRYING, due at once: the retry resend sends it again should this send be lost.
    assertThat(first.state().status()).isEqualTo(ExecutionStatus.RETRYING);
    assertThat(first.state().nextRetryAt()).isEqualTo(first.state().finishedAt());
    assertThat(first.next()).isEqualTo(Next.FAILOVER);
    assertThat(first.nextDelay()).isZero();

    int limit = NO_RETRY.maxAttempts() + Transition.FAILOVER_ATTEMPTS;
    var last =
        Transition.onEvent(running(limit), event(ExecutionEventType.ABANDONED, limit, 5), NO_RETRY);
    assertThat(last.state().status()).isEqualTo(ExecutionStatus.ABANDONED);
    assertThat(last.next()).isNull();
  }

  @Test
  void a_lost_lease_fails_over_like_an_abandoned_attempt() {
    var lost = Transition.onEvent(running(1), event(ExecutionEventType.LEASE_LOST, 1, 5), NO_RETRY);
    assertThat(lost.state().status()).isEqualTo(ExecutionStatus.RETRYING);
    assertThat(lost.next()).isEqualTo(Next.FAILOVER);

    // Reported after the lease watch ended the attempt ABANDONED: stale, changes nothing.
    var ended = Transition.onEvent(running(1), event(ExecutionEventType.ABANDONED, 1, 5), NO_RETRY);
    var late =
        Transition.onEvent(ended.state(), event(ExecutionEventType.LEASE_LOST, 1, 6), NO_RETRY);
    assertThat(late.verdict()).isEqualTo(Transition.Verdict.STALE);
    assertThat(late.next()).isNull();
  }

  @Test
  void an_outcome_arriving_before_started_is_applied_and_the_late_started_fills_the_start() {
    var ended = Transition.onEvent(waiting(1), event(ExecutionEventType.SUCCEEDED, 1, 5), NO_RETRY);
    assertThat(ended.state().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(ended.state().startedAt()).isNull();

    var late = Transition.onEvent(ended.state(), event(ExecutionEventType.STARTED, 1, 1), NO_RETRY);

    assertThat(late.verdict()).isEqualTo(Verdict.STALE);
    assertThat(late.state().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(late.state().startedAt()).isEqualTo(T0.plusSeconds(1));
  }

  @Test
  void an_outcome_that_includes_its_start_ends_a_waiting_execution_with_that_start() {
    ExecutionEvent outcome =
        event(ExecutionEventType.SUCCEEDED, 1, 5)
            .withTiming(T0, T0.plusMillis(4_990))
            .withStartIncluded();

    var ended = Transition.onEvent(waiting(1), outcome, NO_RETRY);

    assertThat(ended.verdict()).isEqualTo(Verdict.APPLIED);
    assertThat(ended.state().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(ended.state().nodeId()).isEqualTo("node-a");
    assertThat(ended.state().startedAt()).isEqualTo(T0.plusMillis(4_990));
    assertThat(ended.state().finishedAt()).isEqualTo(T0.plusSeconds(5));
  }

  @Test
  void a_recorded_start_stands_against_the_start_an_outcome_tells() {
    var running = Transition.onEvent(waiting(1), event(ExecutionEventType.STARTED, 1, 1), NO_RETRY);
    ExecutionEvent outcome =
        event(ExecutionEventType.SUCCEEDED, 1, 5).withTiming(T0, T0.plusSeconds(2));

    var ended = Transition.onEvent(running.state(), outcome, NO_RETRY);

    assertThat(ended.state().startedAt()).isEqualTo(T0.plusSeconds(1));
  }

  @Test
  void the_same_event_twice_is_a_duplicate_and_changes_nothing() {
    var once = Transition.onEvent(running(1), event(ExecutionEventType.SUCCEEDED, 1, 5), NO_RETRY);
    var twice =
        Transition.onEvent(once.state(), event(ExecutionEventType.SUCCEEDED, 1, 6), NO_RETRY);

    assertThat(twice.verdict()).isEqualTo(Verdict.DUPLICATE);
    assertThat(twice.state()).isEqualTo(once.state());
  }

  @Test
  void a_second_outcome_of_the_same_attempt_never_replaces_the_first() {
    var timedOut =
        Transition.onEvent(running(1), event(ExecutionEventType.TIMED_OUT, 1, 5), NO_RETRY);
    var lateSuccess =
        Transition.onEvent(timedOut.state(), event(ExecutionEventType.SUCCEEDED, 1, 6), NO_RETRY);

    assertThat(lateSuccess.verdict()).isEqualTo(Verdict.STALE);
    assertThat(lateSuccess.state().status()).isEqualTo(ExecutionStatus.TIMED_OUT);
  }

  @Test
  void events_of_an_earlier_attempt_never_move_a_later_one() {
    for (ExecutionEventType type :
        List.of(
            ExecutionEventType.STARTED, ExecutionEventType.FAILED, ExecutionEventType.SUCCEEDED)) {
      var result = Transition.onEvent(running(2), event(type, 1, 30), THREE_TRIES);
      assertThat(result.verdict()).isEqualTo(Verdict.STALE);
      assertThat(result.state()).isEqualTo(running(2));
    }
  }

  @Test
  void a_retry_fire_moves_a_retrying_execution_to_the_next_attempt_and_only_once() {
    State retrying =
        Transition.onEvent(running(1), event(ExecutionEventType.FAILED, 1, 5), THREE_TRIES).state();

    var fired = Transition.onFire(retrying, fire(2));
    assertThat(fired.verdict()).isEqualTo(Verdict.APPLIED);
    assertThat(fired.state().status()).isEqualTo(ExecutionStatus.WAITING);
    assertThat(fired.state().attempt()).isEqualTo(2);
    assertThat(fired.state().maxAttempts()).isEqualTo(3);

    assertThat(Transition.onFire(fired.state(), fire(2)).verdict()).isEqualTo(Verdict.DUPLICATE);
    assertThat(Transition.onFire(fired.state(), fire(1)).verdict()).isEqualTo(Verdict.STALE);
  }

  @Test
  void a_fire_arriving_after_its_attempt_started_is_stale() {
    assertThat(Transition.onFire(running(1), fire(1)).verdict()).isEqualTo(Verdict.STALE);
  }

  @Test
  void a_started_after_the_outcome_of_a_later_attempt_changes_nothing() {
    var result =
        Transition.onEvent(
            new State(ExecutionStatus.SUCCEEDED, 2, 3, "node-b", T0, T0, null, "ok", null),
            event(ExecutionEventType.STARTED, 2, 1),
            THREE_TRIES);

    assertThat(result.verdict()).isEqualTo(Verdict.STALE);
    assertThat(result.state().startedAt()).isEqualTo(T0);
  }

  @Test
  void a_missed_execution_moves_on_when_an_agent_takes_it_after_all() {
    var missed = Transition.onEvent(waiting(1), event(ExecutionEventType.MISSED, 1, 300), NO_RETRY);
    assertThat(missed.verdict()).isEqualTo(Verdict.APPLIED);
    assertThat(missed.state().status()).isEqualTo(ExecutionStatus.MISSED);
    assertThat(missed.state().status().terminal()).isFalse();
    assertThat(missed.next()).isNull();

    var started =
        Transition.onEvent(missed.state(), event(ExecutionEventType.STARTED, 1, 301), NO_RETRY);
    assertThat(started.state().status()).isEqualTo(ExecutionStatus.RUNNING);
    assertThat(
            Transition.onEvent(missed.state(), event(ExecutionEventType.MISSED, 1, 310), NO_RETRY)
                .verdict())
        .isEqualTo(Verdict.DUPLICATE);
    assertThat(
            Transition.onEvent(started.state(), event(ExecutionEventType.MISSED, 1, 310), NO_RETRY)
                .verdict())
        .isEqualTo(Verdict.STALE);
  }

  @Test
  void log_events_leave_the_state_alone() {
    var result = Transition.onEvent(running(1), event(ExecutionEventType.LOG, 1, 2), NO_RETRY);

    assertThat(result.verdict()).isEqualTo(Verdict.APPLIED);
    assertThat(result.state()).isEqualTo(running(1));
  }

  @Test
  void ranks_order_attempts_before_phases() {
    assertThat(new Rank(2, 0).above(new Rank(1, 3))).isTrue();
    assertThat(Rank.of(1, ExecutionStatus.RETRYING).above(Rank.of(1, ExecutionStatus.FAILED)))
        .isTrue();
    assertThat(Rank.of(1, ExecutionStatus.RUNNING).above(Rank.of(1, ExecutionStatus.WAITING)))
        .isTrue();
  }

  private static State waiting(int attempt) {
    return new State(ExecutionStatus.WAITING, attempt, 3, null, null, null, null, null, null);
  }

  private static State running(int attempt) {
    return new State(
        ExecutionStatus.RUNNING, attempt, 3, "node-a", T0.plusSeconds(1), null, null, null, null);
  }

  private static ExecutionEvent event(ExecutionEventType type, int attempt, long atSecond) {
    ExecutionEvent event =
        new ExecutionEvent(
            Contracts.SCHEMA_VERSION,
            type,
            "7-1000-0",
            7,
            "billing",
            attempt,
            "node-a",
            T0.plusSeconds(atSecond),
            type == ExecutionEventType.SUCCEEDED ? "ok" : null,
            type.terminal() && type != ExecutionEventType.SUCCEEDED ? "boom" : null,
            List.of(),
            "t");
    return event;
  }

  private static FireEvent fire(int attempt) {
    return new FireEvent(
        Contracts.SCHEMA_VERSION,
        7,
        "7-1000",
        "7-1000-0",
        "billing",
        null,
        "h",
        null,
        null,
        0,
        1,
        null,
        T0,
        T0,
        Duration.ofMinutes(1),
        attempt,
        THREE_TRIES,
        null,
        "t");
  }
}
