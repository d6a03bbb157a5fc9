package dev.scheduler.monitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;

import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.monitor.MonitorEvents;
import dev.scheduler.monitor.metrics.ExecutionMetrics;
import dev.scheduler.monitor.metrics.MetricsProperties;
import dev.scheduler.monitor.metrics.MinuteRollups;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Redeliveries are dropped only once an event was handled completely. */
class MonitorConsumersTest {

  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final MetricsProperties properties =
      new MetricsProperties(500, Duration.ofSeconds(30), Duration.ofSeconds(10), 1_000);
  private final MinuteRollups rollups = mock(MinuteRollups.class);
  private final List<List<ExecutionEvent>> alerted = new ArrayList<>();
  private int failuresToCome;

  private final MonitorConsumers consumers =
      new MonitorConsumers(
          "unused:9876",
          "",
          new ExecutionMetrics(meters, properties),
          rollups,
          event -> {
            if (failuresToCome > 0) {
              failuresToCome--;
              throw new IllegalStateException("the alert store is away");
            }
            alerted.add(((MonitorConsumers.ExecutionEvents) event).events());
          },
          properties,
          meters);

  private final FireEvent fire = MonitorEvents.fire("billing", 7, AT, RetryPolicy.NONE);
  private final ExecutionEvent failed =
      MonitorEvents.event(fire, ExecutionEventType.FAILED, 1, AT.plusSeconds(2), AT.plusSeconds(1));

  @Test
  void a_batch_whose_handling_failed_is_handled_again_when_redelivered_and_counted_once() {
    failuresToCome = 1;

    assertThatThrownBy(() -> consumers.accept(List.of(failed))).hasMessageContaining("alert store");
    consumers.accept(List.of(failed)); // the broker's redelivery

    assertThat(alerted).containsExactly(List.of(failed));
    then(rollups).should(times(1)).add(failed);
    assertThat(meters.get("scheduler.monitor.handling.failures").counter().count()).isEqualTo(1);
    assertThat(meters.get("scheduler.executions").tag("outcome", "FAILED").counter().count())
        .isEqualTo(1);
  }

  @Test
  void a_redelivery_of_a_handled_event_is_a_duplicate_and_so_is_a_second_copy_in_one_batch() {
    consumers.accept(List.of(failed, failed));
    consumers.accept(List.of(failed));

    assertThat(alerted).containsExactly(List.of(failed));
    then(rollups).should(times(1)).add(failed);
    assertThat(meters.get("scheduler.monitor.duplicates").counter().count()).isEqualTo(2);
  }
}
