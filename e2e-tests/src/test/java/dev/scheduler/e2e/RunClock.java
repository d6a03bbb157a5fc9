package dev.scheduler.e2e;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;

/** The wall-clock timeline of a fault run: waiting for its moments, and saying when things were. */
final class RunClock {

  private RunClock() {}

  static void pause(Duration duration) {
    waitUntil(Instant.now().plus(duration));
  }

  /** The run's timeline is wall-clock time: this waits for a moment of it. */
  static void waitUntil(Instant moment) {
    await()
        .atMost(Duration.between(Instant.now(), moment).plusSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !Instant.now().isBefore(moment));
  }

  /** How long after {@code from} now is, as {@code +12.3 s}. */
  static String at(Instant from) {
    return String.format("+%.1f s", Duration.between(from, Instant.now()).toMillis() / 1000.0);
  }
}
