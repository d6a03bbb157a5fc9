package dev.scheduler.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void fixed_backoff_waits_the_initial_delay_before_every_retry() {
    RetryPolicy policy =
        new RetryPolicy(4, RetryPolicy.Backoff.FIXED, Duration.ofSeconds(5), Duration.ofMinutes(1));

    assertThat(policy.delayBefore(2)).isEqualTo(Duration.ofSeconds(5));
    assertThat(policy.delayBefore(4)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void exponential_backoff_doubles_up_to_the_maximum_delay() {
    RetryPolicy policy =
        new RetryPolicy(
            20, RetryPolicy.Backoff.EXPONENTIAL, Duration.ofSeconds(1), Duration.ofSeconds(10));

    assertThat(policy.delayBefore(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.delayBefore(3)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.delayBefore(5)).isEqualTo(Duration.ofSeconds(8));
    assertThat(policy.delayBefore(6)).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.delayBefore(20)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void exponential_backoff_does_not_overflow_on_huge_attempt_numbers() {
    RetryPolicy policy =
        new RetryPolicy(
            1_000, RetryPolicy.Backoff.EXPONENTIAL, Duration.ofDays(1), Duration.ofDays(2));

    assertThat(policy.delayBefore(900)).isEqualTo(Duration.ofDays(2));
  }

  @Test
  void attempts_are_allowed_until_the_maximum_is_reached() {
    RetryPolicy policy = new RetryPolicy(3, null, null, null);

    assertThat(policy.allowsAttemptAfter(1)).isTrue();
    assertThat(policy.allowsAttemptAfter(2)).isTrue();
    assertThat(policy.allowsAttemptAfter(3)).isFalse();
    assertThat(RetryPolicy.NONE.allowsAttemptAfter(1)).isFalse();
  }

  @Test
  void the_first_attempt_has_no_retry_delay() {
    assertThatThrownBy(() -> RetryPolicy.NONE.delayBefore(1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
