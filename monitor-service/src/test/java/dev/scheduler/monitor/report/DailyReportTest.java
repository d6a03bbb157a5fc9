package dev.scheduler.monitor.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.Json;
import dev.scheduler.monitor.HttpRecorder;
import dev.scheduler.monitor.metrics.MinuteRollups;
import dev.scheduler.monitor.notify.ChannelRequest;
import dev.scheduler.monitor.notify.Channels;
import dev.scheduler.testkit.RealServers;
import dev.scheduler.testkit.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The daily report of a calendar day in a zone, read through the API and sent once each morning to
 * the configured channel however many replicas try.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "scheduler.monitor.group-suffix=-report-test",
      "scheduler.monitor.report.zone=Asia/Shanghai",
      "scheduler.monitor.report.channel-ids=1"
    })
@RealServers(redis = false)
// closed after the class: a live context would go on consuming the shared topics
@DirtiesContext
class DailyReportTest {

  /** 2026-11-24 in Shanghai: 2026-11-23T16:00Z to 2026-11-24T16:00Z. */
  private static final Instant DAY_START = Instant.parse("2026-11-23T16:00:00Z");

  private static final HttpRecorder HOOK = new HttpRecorder();

  @TestConfiguration
  static class Clocks {
    @Bean
    SettableClock clock() {
      return new SettableClock(DAY_START);
    }
  }

  @AfterAll
  static void stop() {
    HOOK.close();
  }

  @Autowired TestRestTemplate http;
  @Autowired SettableClock clock;
  @Autowired MinuteRollups rollups;
  @Autowired DailyReports reports;
  @Autowired Channels channels;

  @Test
  void a_days_report_counts_its_apps_and_names_the_jobs_that_failed_most() {
    assertThat(
            channels
                .create(
                    new ChannelRequest(
                        "report", "WEBHOOK", HOOK.url("/report"), null, null, null, null, null))
                .id())
        .isEqualTo(1);
    // inside the day: billing 3 runs (1 failed), ledger 2 runs (2 failed); just before it: 1 more
    outcome("billing", 1, ExecutionEventType.SUCCEEDED, DAY_START.plusSeconds(60), 100);
    outcome("billing", 1, ExecutionEventType.SUCCEEDED, DAY_START.plusSeconds(3600), 300);
    outcome("billing", 2, ExecutionEventType.FAILED, DAY_START.plusSeconds(7200), 200);
    outcome("ledger", 3, ExecutionEventType.TIMED_OUT, DAY_START.plusSeconds(80_000), 1000);
    outcome("ledger", 3, ExecutionEventType.FAILED, DAY_START.plusSeconds(86_000), 50);
    outcome("billing", 1, ExecutionEventType.FAILED, DAY_START.minusSeconds(120), 10);
    clock.set(DAY_START.plus(Duration.ofDays(1)).plus(Duration.ofHours(8)));
    rollups.flush();

    Map<?, ?> report =
        http.getForObject("/api/v1/metrics/reports/daily?date=2026-11-24", Map.class);

    assertThat(report.get("from")).isEqualTo("2026-11-23T16:00:00Z");
    Map<?, ?> platform = (Map<?, ?>) report.get("platform");
    assertThat(platform.get("runs")).isEqualTo(5);
    assertThat(platform.get("successRate")).isEqualTo(0.4);
    assertThat(report.get("apps").toString()).contains("subject=billing", "subject=ledger");
    List<?> top = (List<?>) report.get("topFailures");
    assertThat(top.toString()).startsWith("[{subject=3, app=ledger");

    // the morning after: sent once, whichever replica asks
    assertThat(reports.sendPrevious()).isTrue();
    assertThat(reports.sendPrevious()).isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> HOOK.at("/report").size() == 1);
    Map<?, ?> sent = Json.fromJson(HOOK.at("/report").get(0).body(), Map.class);
    assertThat(sent.get("title")).isEqualTo("scheduler report of 2026-11-24");
    assertThat((String) sent.get("message"))
        .startsWith("Platform: 5 runs, 40.0% succeeded, 3 failed")
        .contains("job 3 (ledger): 2 failed of 2");
  }

  @Test
  void a_bad_day_or_zone_is_a_problem_naming_the_field() {
    ResponseEntity<Map> bad =
        http.getForEntity(
            "/api/v1/metrics/reports/daily?date=24.11.2026&zone=Mars/Base", Map.class);
    assertThat(bad.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(bad.getBody().get("errors").toString()).contains("field=date", "field=zone");
  }

  private void outcome(String app, long job, ExecutionEventType type, Instant at, long millis) {
    Instant start = at.minusMillis(millis);
    rollups.add(
        new ExecutionEvent(
            Contracts.SCHEMA_VERSION,
            type,
            job + "-" + at.toEpochMilli() + "-0",
            job,
            app,
            1,
            "node-1",
            at,
            null,
            null,
            List.of(),
            null,
            start,
            start,
            1,
            false));
  }
}
