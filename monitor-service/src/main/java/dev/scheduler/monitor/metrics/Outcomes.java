package dev.scheduler.monitor.metrics;

import dev.scheduler.contracts.ExecutionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** What an execution event tells about its attempt's timing. */
public final class Outcomes {

  private Outcomes() {}

  /** From the attempt's start to its outcome; empty without a start or for a non-outcome. */
  static Optional<Duration> duration(ExecutionEvent event) {
    if (event.type() == null || !event.type().terminal() || event.startedTime() == null) {
      return Optional.empty();
    }
    Duration d = Duration.between(event.startedTime(), event.time());
    return d.isNegative() ? Optional.of(Duration.ZERO) : Optional.of(d);
  }

  /**
   * From the fire's due time to the first attempt's start, taken from the event that reports the
   * start (a STARTED event, or an outcome that includes it; the start of a retry is late on
   * purpose); empty otherwise.
   */
  public static Optional<Duration> fireDelay(ExecutionEvent event) {
    Instant start = event.reportedStart();
    if (start == null || event.attempt() != 1 || event.scheduledTime() == null) {
      return Optional.empty();
    }
    Duration d = Duration.between(event.scheduledTime(), start);
    return d.isNegative() ? Optional.of(Duration.ZERO) : Optional.of(d);
  }
}
