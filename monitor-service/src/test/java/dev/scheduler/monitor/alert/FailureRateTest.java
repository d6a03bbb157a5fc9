package dev.scheduler.monitor.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.monitor.TestRules;
import dev.scheduler.monitor.alert.Alert.Status;
import dev.scheduler.monitor.metrics.MinuteRollups;
import dev.scheduler.testkit.RealServers;
import dev.scheduler.testkit.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A failure-rate rule judged from the minute rollups at a settable time: quiet below its least
 * runs, firing above its threshold over its window, resolved when the window's rate falls back.
 */
@SpringBootTest(properties = "scheduler.monitor.group-suffix=-rate-test")
@RealServers(redis = false)
// closed after the class: a live context would go on consuming the shared topics
@DirtiesContext
class FailureRateTest {

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final String APP = "rate-" + UUID.randomUUID().toString().substring(0, 6);

  @TestConfiguration
  static class Clocks {
    @Bean
    SettableClock clock() {
      return new SettableClock(T0);
    }
  }

  @Autowired SettableClock clock;
  @Autowired MinuteRollups rollups;
  @Autowired AlertEngine engine;
  @Autowired AlertRules rules;
  @Autowired Alerts alerts;

  @Test
  void the_rate_over_the_window_fires_above_its_threshold_and_resolves_below() {
    AlertRule rule =
        rules.create(
            TestRules.rate("rate-" + APP, APP, 0.5, Duration.ofMinutes(10), 4), TestRules.ADMIN);

    // minute 0: 2 failures of 3 runs, below the least runs (4)
    outcomes(T0, 1, 2);
    judgeAt(T0.plus(Duration.ofMinutes(2)));
    assertThat(openAlert(rule)).isNull();

    // minute 2: 1 more failure: 3 of 4 failed
    outcomes(T0.plus(Duration.ofMinutes(2)), 0, 1);
    judgeAt(T0.plus(Duration.ofMinutes(4)));
    Alert alert = openAlert(rule);
    assertThat(alert).isNotNull();
    assertThat(alert.subject()).isEqualTo("app:" + APP);
    assertThat(alert.title()).isEqualTo("app:" + APP + " fails 75% of its runs");

    // minutes 4-5: 6 successes: 3 of 10 failed, below 50%
    outcomes(T0.plus(Duration.ofMinutes(4)), 6, 0);
    judgeAt(T0.plus(Duration.ofMinutes(6)));
    assertThat(alerts.get(alert.id()).status()).isEqualTo(Status.RESOLVED);
  }

  private void judgeAt(Instant at) {
    clock.set(at);
    rollups.flush();
    engine.evaluateRates();
  }

  private Alert openAlert(AlertRule rule) {
    return alerts.list(null, rule.id(), 0, 10).items().stream()
        .filter(a -> a.status() != Status.RESOLVED)
        .findFirst()
        .orElse(null);
  }

  private void outcomes(Instant minute, int succeeded, int failed) {
    for (int i = 0; i < succeeded + failed; i++) {
      Instant at = minute.plusSeconds(i);
      rollups.add(
          new ExecutionEvent(
              Contracts.SCHEMA_VERSION,
              i < succeeded ? ExecutionEventType.SUCCEEDED : ExecutionEventType.FAILED,
              "9-" + at.toEpochMilli() + "-0",
              9,
              APP,
              1,
              "node-1",
              at,
              null,
              null,
              List.of(),
              null,
              at,
              at,
              1,
              false));
    }
  }
}
