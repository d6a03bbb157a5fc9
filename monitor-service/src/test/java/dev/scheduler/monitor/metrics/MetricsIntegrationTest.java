package dev.scheduler.monitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.monitor.MonitorEvents;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.FireTraffic;
import dev.scheduler.testkit.RealServers;
import dev.scheduler.testkit.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Execution events on the real broker become Prometheus metrics and minute rollups on MariaDB, each
 * counted once however often the broker delivers it, and read back through the metrics API.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "scheduler.monitor.group-suffix=-metrics-test")
@RealServers(redis = false)
@AutoConfigureObservability(tracing = false) // tests get no Prometheus endpoint without it
// closed after the class: a live context would go on consuming the shared topics
@DirtiesContext
class MetricsIntegrationTest {

  private static final Instant MINUTE = Instant.parse("2026-11-25T10:15:00Z");
  private static final String APP = "billing-" + UUID.randomUUID().toString().substring(0, 6);
  private static final long JOB = 7;
  private static FireTraffic traffic;

  @TestConfiguration
  static class Clocks {
    @Bean
    SettableClock clock() {
      return new SettableClock(MINUTE);
    }
  }

  @BeforeAll
  static void connect() {
    traffic = FireTraffic.connect(EmbeddedRocketMq.shared().nameServerAddress());
  }

  @AfterAll
  static void disconnect() {
    traffic.close();
  }

  @Autowired TestRestTemplate http;
  @Autowired SettableClock clock;
  @Autowired MinuteRollups rollups;

  @Test
  void events_become_prometheus_metrics_and_minute_rollups_counted_once() {
    MonitorEvents.awaitConsuming(traffic, this::prometheus);
    // three runs of 100, 200 and 300 ms, due 1 s before they start; the last one reports its
    // start with its outcome, as an agent does for a run that ends within moments
    for (int i = 0; i < 3; i++) {
      FireEvent fire = fire(i, RetryPolicy.NONE);
      Instant start = MINUTE.plusSeconds(10L * i + 1);
      ExecutionEvent outcome =
          MonitorEvents.event(
              fire, ExecutionEventType.SUCCEEDED, 1, start.plusMillis(100L * (i + 1)), start);
      if (i < 2) {
        traffic.report(MonitorEvents.event(fire, ExecutionEventType.STARTED, 1, start, null));
        traffic.report(outcome);
      } else {
        traffic.report(outcome.withStartIncluded());
      }
    }
    // one failure the policy retries, then its last attempt fails too
    FireEvent flaky = fire(3, new RetryPolicy(2, RetryPolicy.Backoff.FIXED, Duration.ZERO, null));
    Instant start = MINUTE.plusSeconds(40);
    ExecutionEvent firstFailure =
        MonitorEvents.event(flaky, ExecutionEventType.FAILED, 1, start.plusMillis(50), start);
    traffic.report(firstFailure);
    traffic.report(firstFailure); // the broker delivers it again
    traffic.report(
        MonitorEvents.event(
            flaky, ExecutionEventType.FAILED, 2, start.plusSeconds(2), start.plusSeconds(1)));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(prometheus())
                    .contains(sample("scheduler_executions_total", "SUCCEEDED", 3))
                    .contains("scheduler_executions_started_total{app=\"" + APP + "\"} 3.0")
                    .contains(sample("scheduler_executions_total", "FAILED", 2))
                    .contains("scheduler_executions_retries_total{app=\"" + APP + "\"} 1.0")
                    .contains(
                        "scheduler_job_executions_total{app=\""
                            + APP
                            + "\",job_id=\"7\",outcome=\"FAILED\"} 2.0")
                    .contains("scheduler_monitor_duplicates_total 1.0")
                    .contains(
                        "scheduler_execution_duration_seconds_count{app=\""
                            + APP
                            + "\",outcome=\"SUCCEEDED\"} 3")
                    .contains("scheduler_fire_delay_seconds_count{app=\"" + APP + "\"} 3"));

    // the minute is written once its grace has passed
    clock.set(MINUTE.plusSeconds(89));
    rollups.flush();
    assertThat(jobPoint()).as("not before the minute's grace ends").containsEntry("runs", 0);
    clock.set(MINUTE.plusSeconds(91));
    rollups.flush();

    Map<String, Object> point = jobPoint();
    assertThat(point)
        .containsEntry("runs", 5)
        .containsEntry("succeeded", 3)
        .containsEntry("failed", 2)
        .containsEntry("retries", 1)
        .containsEntry("durationP50Ms", 200)
        .containsEntry("durationP95Ms", 1000)
        .containsEntry("durationMaxMs", 1000)
        .containsEntry("fireDelayP95Ms", 1000)
        .containsEntry("successRate", 0.6);

    Map<?, ?> overview = http.getForObject("/api/v1/metrics/overview?window=PT10M", Map.class);
    assertThat(overview.get("failingJobs").toString()).contains("subject=7").contains("failed=2");
  }

  @Test
  void bad_series_parameters_get_a_problem_naming_each_field() {
    ResponseEntity<Map> response =
        http.getForEntity("/api/v1/metrics/platform?from=yesterday&step=PT30S", Map.class);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.getBody().get("code")).isEqualTo("VALIDATION_FAILED");
    assertThat(response.getBody().get("errors").toString())
        .contains("field=from")
        .contains("field=step");
    assertThat(
            http.getForEntity(
                    "/api/v1/metrics/platform?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z",
                    Map.class)
                .getBody()
                .get("errors")
                .toString())
        .contains("more than 1440 points");
  }

  // ---- helpers

  @SuppressWarnings("unchecked")
  private Map<String, Object> jobPoint() {
    Map<String, Object> series =
        http.getForObject(
            "/api/v1/metrics/jobs/" + JOB + "?from={from}&to={to}&step=PT1M",
            Map.class,
            MINUTE.toString(),
            MINUTE.plusSeconds(60).toString());
    return ((java.util.List<Map<String, Object>>) series.get("points")).get(0);
  }

  private String prometheus() {
    return http.getForObject("/actuator/prometheus", String.class);
  }

  private static String sample(String name, String outcome, int value) {
    return name + "{app=\"" + APP + "\",outcome=\"" + outcome + "\"} " + value + ".0";
  }

  private static FireEvent fire(int n, RetryPolicy policy) {
    return MonitorEvents.fire(APP, JOB, MINUTE.plusSeconds(10L * n), policy);
  }
}
