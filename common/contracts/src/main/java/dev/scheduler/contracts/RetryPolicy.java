package dev.scheduler.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.util.Objects;

/**
 * How often and after what delay a failed or timed-out execution runs again.
 *
 * @param maxAttempts attempts in all, the first run included; 1 means no retry
 * @param backoff how the delay grows from one attempt to the next
 * @param initialDelay delay before the second attempt
 * @param maxDelay the delay never grows beyond this
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RetryPolicy(
    int maxAttempts, Backoff backoff, Duration initialDelay, Duration maxDelay) {

  /** Upper bound of {@link #maxAttempts()}: retries are bounded like everything else. */
  public static final int MAX_ATTEMPTS_LIMIT = 20;

  /** Run once, never retry. */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Backoff.FIXED, Duration.ZERO, Duration.ZERO);

  /** How the delay between attempts grows. */
  public enum Backoff {
    /** Always the initial delay. */
    FIXED,
    /** The initial delay doubled at each further attempt, up to the maximum delay. */
    EXPONENTIAL
  }

  public RetryPolicy {
    maxAttempts = Math.max(1, maxAttempts);
    backoff = Objects.requireNonNullElse(backoff, Backoff.FIXED);
    initialDelay = Objects.requireNonNullElse(initialDelay, Duration.ZERO);
    maxDelay = Objects.requireNonNullElse(maxDelay, initialDelay);
  }

  /** Whether an execution that ended its attempt number {@code attempt} may run again. */
  public boolean allowsAttemptAfter(int attempt) {
    return attempt < maxAttempts;
  }

  /**
   * The delay before attempt number {@code nextAttempt} (2 for the first retry).
   *
   * @throws IllegalArgumentException for {@code nextAttempt} below 2
   */
  public Duration delayBefore(int nextAttempt) {
    if (nextAttempt < 2) {
      throw new IllegalArgumentException("the first retry is attempt 2, got " + nextAttempt);
    }
    if (backoff == Backoff.FIXED) {
      return initialDelay;
    }
    int doublings = Math.min(nextAttempt - 2, 62);
    long millis = initialDelay.toMillis();
    long grown = millis > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : millis << doublings;
    return Duration.ofMillis(Math.min(grown, maxDelay.toMillis()));
  }
}
