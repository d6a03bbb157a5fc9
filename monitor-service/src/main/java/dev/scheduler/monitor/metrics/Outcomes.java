package dev.scheduler.monitor.metrics;

import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import java.time.Duration;
import java.util.Optional;

/** What an execution event tells about its attempt's timing. */
final class Outcomes {

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
   * From the fire's due time to the first attempt's start, taken from the STARTED event (the start
   * of a retry is late on purpose); empty otherwise.
   */
  static Optional<Duration> fireDelay(ExecutionEvent event) {
    if (event.type() != ExecutionEventType.STARTED
        || event.attempt() != 1
        || event.scheduledTime() == null) {
      return Optional.empty();
    }
    Duration d = Duration.between(event.scheduledTime(), event.time());
    return d.isNegative() ? Optional.of(Duration.ZERO) : Optional.of(d);
  }
}
