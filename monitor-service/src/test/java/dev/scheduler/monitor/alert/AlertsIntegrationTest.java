package dev.scheduler.monitor.alert;

import static dev.scheduler.monitor.MonitorEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.ConsumerGroups;
import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.NodeState;
import dev.scheduler.contracts.NodeStateChanged;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.contracts.Topics;
import dev.scheduler.monitor.HttpRecorder;
import dev.scheduler.monitor.MonitorEvents;
import dev.scheduler.monitor.ingest.DeadLetters;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.FireTraffic;
import dev.scheduler.testkit.RealServers;
import dev.scheduler.testkit.SettableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Alert rules at work on the real broker and MariaDB: executions failing in a row open one alert,
 * count the repeats, notify a signed webhook once within the rule's silence, pause the job through
 * job-service, and resolve when the job succeeds again; a failure that will be retried raises
 * nothing; an agent going offline raises an alert that its return resolves.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "scheduler.monitor.group-suffix=-alerts-test",
      "scheduler.monitor.notify.initial-backoff=1ms"
    })
@RealServers(redis = false)
@AutoConfigureObservability(tracing = false)
// closed after the class: a live context would go on consuming the shared topics
@DirtiesContext
class AlertsIntegrationTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:15:00Z");
  private static final String APP = "alerts-" + UUID.randomUUID().toString().substring(0, 6);
  private static final String SECRET = "webhook-secret";
  private static final HttpRecorder OUTSIDE = new HttpRecorder();
  private static FireTraffic traffic;

  @TestConfiguration
  static class Clocks {
    @Bean
    SettableClock clock() {
      return new SettableClock(NOW);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("scheduler.monitor.job-service-url", () -> OUTSIDE.url(""));
  }

  @BeforeAll
  static void connect() {
    traffic = FireTraffic.connect(EmbeddedRocketMq.shared().nameServerAddress());
  }

  @AfterAll
  static void disconnect() {
    traffic.close();
    OUTSIDE.close();
  }

  @Autowired TestRestTemplate http;
  @Autowired SettableClock clock;

  @Test
  void failures_in_a_row_open_one_alert_notify_once_pause_the_job_and_resolve_on_success()
      throws Exception {
    MonitorEvents.awaitConsuming(traffic, this::prometheus);
    OUTSIDE.failNext("/hook", 1); // the first try fails, the retry gets through
    long channel =
        create(
            "/api/v1/notification-channels",
            Map.of(
                "name",
                "ops-" + APP,
                "type",
                "WEBHOOK",
                "url",
                OUTSIDE.url("/hook"),
                "secret",
                SECRET));
    long rule =
        create(
            "/api/v1/alert-rules",
            Map.of(
                "name",
                "three-in-a-row-" + APP,
                "type",
                "CONSECUTIVE_FAILURES",
                "severity",
                "CRITICAL",
                "scope",
                "APP",
                "scopeValue",
                APP,
                "consecutiveFailures",
                2,
                "autoPause",
                true,
                "autoPauseAfter",
                3,
                "silence",
                "PT10M",
                "channelIds",
                List.of(channel)));
    long job = 41;

    for (int i = 0; i < 4; i++) {
      FireEvent fire = MonitorEvents.fire(APP, job, NOW.plusSeconds(i), RetryPolicy.NONE);
      traffic.report(
          event(fire, ExecutionEventType.FAILED, 1, NOW.plusSeconds(i), NOW.plusSeconds(i))
              .withError("boom " + i));
    }

    Map<?, ?> alert =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> openAlert(rule),
                a -> a != null && ((Number) a.get("occurrences")).intValue() == 3);
    assertThat(alert.get("status")).isEqualTo("FIRING");
    assertThat(alert.get("subject")).isEqualTo("job:" + job);
    assertThat(alert.get("actionTaken")).isEqualTo("paused job 41 after 3 failures in a row");
    assertThat(OUTSIDE.at("/api/v1/jobs/41/pause")).hasSize(1);
    assertThat(OUTSIDE.at("/api/v1/jobs/41/pause").get(0).header("X-Scheduler-Caller"))
        .isEqualTo("monitor-service");

    // notified once (two tries of one notification), signed
    await().atMost(Duration.ofSeconds(10)).until(() -> steps(alert).contains("NOTIFIED"));
    List<HttpRecorder.Received> hooks = OUTSIDE.at("/hook");
    assertThat(hooks).hasSize(2);
    HttpRecorder.Received hook = hooks.get(1);
    String timestamp = hook.header("X-Scheduler-Timestamp");
    assertThat(timestamp).isEqualTo(Long.toString(NOW.getEpochSecond()));
    assertThat(hook.header("X-Scheduler-Signature"))
        .isEqualTo("v1=" + hmacHex(SECRET, timestamp + "." + hook.body()));
    Map<?, ?> body = Json.fromJson(hook.body(), Map.class);
    assertThat(body.get("title")).isEqualTo("job 41 failed 2 times in a row");
    assertThat(body.get("severity")).isEqualTo("CRITICAL");
    assertThat(steps(alert)).startsWith("FIRED", "REPEATED").contains("ACTION", "NOTIFIED");

    // past the silence, the next repeat is told again, with its count
    clock.set(NOW.plus(Duration.ofMinutes(11)));
    FireEvent later = MonitorEvents.fire(APP, job, NOW.plusSeconds(100), RetryPolicy.NONE);
    traffic.report(
        event(later, ExecutionEventType.FAILED, 1, NOW.plusSeconds(100), NOW.plusSeconds(100)));
    await().atMost(Duration.ofSeconds(30)).until(() -> OUTSIDE.at("/hook").size() == 3);
    assertThat(Json.fromJson(OUTSIDE.at("/hook").get(2).body(), Map.class).get("occurrences"))
        .isEqualTo(4);

    // the job succeeds: resolved by itself
    FireEvent ok = MonitorEvents.fire(APP, job, NOW.plusSeconds(200), RetryPolicy.NONE);
    traffic.report(
        event(ok, ExecutionEventType.SUCCEEDED, 1, NOW.plusSeconds(201), NOW.plusSeconds(200)));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "RESOLVED".equals(alertById(alert).get("status")));
    assertThat(alertById(alert).get("resolvedBy")).isEqualTo("auto");
    assertThat(openAlert(rule)).isNull();
    assertThat(prometheus()).contains("scheduler_alerts_open{severity=\"CRITICAL\"}");
  }

  @Test
  void a_failure_the_policy_retries_raises_nothing_until_the_last_attempt_fails() {
    MonitorEvents.awaitConsuming(traffic, this::prometheus);
    long job = 42;
    long rule =
        create(
            "/api/v1/alert-rules",
            Map.of(
                "name",
                "failed-" + APP,
                "type",
                "EXECUTION_FAILED",
                "severity",
                "WARNING",
                "scope",
                "JOB",
                "scopeValue",
                Long.toString(job)));
    FireEvent fire =
        MonitorEvents.fire(
            APP, job, NOW, new RetryPolicy(2, RetryPolicy.Backoff.FIXED, Duration.ZERO, null));
    traffic.report(event(fire, ExecutionEventType.FAILED, 1, NOW.plusSeconds(1), NOW));
    // a marker after it: once the marker counted, the failure was seen too
    FireEvent marker = MonitorEvents.fire(APP, job + 1000, NOW, RetryPolicy.NONE);
    traffic.report(event(marker, ExecutionEventType.SUCCEEDED, 1, NOW.plusSeconds(1), NOW));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                prometheus()
                    .contains(
                        "scheduler_job_executions_total{app=\""
                            + APP
                            + "\",job_id=\""
                            + (job + 1000)
                            + "\""));
    assertThat(openAlert(rule)).as("attempt 1 of 2 failed: a retry follows").isNull();

    traffic.report(
        event(fire, ExecutionEventType.FAILED, 2, NOW.plusSeconds(5), NOW.plusSeconds(4)));
    Map<?, ?> alert =
        await().atMost(Duration.ofSeconds(30)).until(() -> openAlert(rule), a -> a != null);
    assertThat(alert.get("title")).isEqualTo("job 42 failed");
    assertThat((String) alert.get("message")).contains("on attempt 2");

    // an operator takes it on
    Map<?, ?> acknowledged =
        post(
                "/api/v1/alerts/" + alert.get("id") + "/acknowledge",
                Map.of("note", "looking"),
                Map.class)
            .getBody();
    assertThat(acknowledged.get("status")).isEqualTo("ACKNOWLEDGED");
    ResponseEntity<Map> again =
        post("/api/v1/alerts/" + alert.get("id") + "/acknowledge", null, Map.class);
    assertThat(again.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
  }

  @Test
  void a_late_start_raises_a_fire_delay_alert_also_when_the_outcome_reports_the_start() {
    MonitorEvents.awaitConsuming(traffic, this::prometheus);
    long job = 43;
    long rule =
        create(
            "/api/v1/alert-rules",
            Map.of(
                "name",
                "late-" + APP,
                "type",
                "FIRE_DELAY",
                "severity",
                "WARNING",
                "scope",
                "JOB",
                "scopeValue",
                Long.toString(job),
                "fireDelayBound",
                "PT1S"));
    // a short run that started 3 s late and reported its start with its outcome only
    FireEvent late = MonitorEvents.fire(APP, job, NOW, RetryPolicy.NONE);
    traffic.report(
        event(late, ExecutionEventType.SUCCEEDED, 1, NOW.plusMillis(3_005), NOW.plusSeconds(3))
            .withStartIncluded());

    Map<?, ?> alert =
        await().atMost(Duration.ofSeconds(30)).until(() -> openAlert(rule), a -> a != null);
    assertThat(alert.get("title")).isEqualTo("job 43 started late");
    assertThat((String) alert.get("message")).contains("started 3000 ms after it was due");

    // the next one starts in time (a STARTED event): resolved by itself
    FireEvent onTime = MonitorEvents.fire(APP, job, NOW.plusSeconds(10), RetryPolicy.NONE);
    traffic.report(
        ExecutionEvent.of(
            ExecutionEventType.STARTED, onTime, "node-1", NOW.plusSeconds(10).plusMillis(20)));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "RESOLVED".equals(alertById(alert).get("status")));
  }

  @Test
  void an_agent_going_offline_raises_an_alert_that_its_return_resolves() {
    MonitorEvents.awaitConsuming(traffic, this::prometheus);
    long rule =
        create(
            "/api/v1/alert-rules",
            Map.of(
                "name",
                "offline-" + APP,
                "type",
                "NODE_OFFLINE",
                "severity",
                "WARNING",
                "scope",
                "APP",
                "scopeValue",
                APP));
    // sent until seen: the node state consumer's group may still be joining the topic
    Map<?, ?> alert =
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  nodeState(NodeState.ONLINE, NodeState.OFFLINE);
                  return openAlert(rule);
                },
                a -> a != null);
    assertThat(alert.get("subject")).isEqualTo("node:" + APP + "-node-1");

    nodeState(NodeState.OFFLINE, NodeState.ONLINE);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "RESOLVED".equals(alertById(alert).get("status")));
  }

  @Test
  void a_message_in_a_dead_letter_queue_raises_an_alert_an_operator_resolves() {
    long rule =
        create(
            "/api/v1/alert-rules",
            Map.of("name", "dlq-" + APP, "type", "DEAD_LETTER", "severity", "CRITICAL"));
    String topic = DeadLetters.topicOf(ConsumerGroups.EXECUTION_EVENTS);
    // resent until seen: the broker makes the topic at its first message, and the watcher finds
    // it at its next route refresh
    Map<?, ?> alert =
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofSeconds(2))
            .until(
                () -> {
                  traffic.send(
                      new Message(topic, "FAILED", "1-2-0", "{}".getBytes(StandardCharsets.UTF_8)));
                  return openAlert(rule);
                },
                a -> a != null);
    assertThat(alert.get("title"))
        .isEqualTo("messages in the dead-letter queue of " + ConsumerGroups.EXECUTION_EVENTS);

    Map<?, ?> resolved =
        post(
                "/api/v1/alerts/" + alert.get("id") + "/resolve",
                Map.of("note", "resent by hand"),
                Map.class)
            .getBody();
    assertThat(resolved.get("status")).isEqualTo("RESOLVED");
    assertThat(resolved.get("resolvedBy")).isEqualTo("unknown");
  }

  @Test
  void bad_rules_and_channels_get_problems_naming_each_field_and_change_nothing() {
    ResponseEntity<Map> rule =
        post(
            "/api/v1/alert-rules",
            Map.of(
                "name",
                "bad",
                "type",
                "FAILURE_RATE",
                "severity",
                "LOUD",
                "threshold",
                1.5,
                "consecutiveFailures",
                3,
                "channelIds",
                List.of(999999)),
            Map.class);
    assertThat(rule.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(rule.getBody().get("errors").toString())
        .contains(
            "field=severity",
            "field=threshold",
            "field=window",
            "field=consecutiveFailures",
            "field=channelIds[0]");
    ResponseEntity<Map> channel =
        post(
            "/api/v1/notification-channels",
            Map.of("name", "bad", "type", "SLACK", "url", "ftp://x", "secret", "s"),
            Map.class);
    assertThat(channel.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(channel.getBody().get("errors").toString()).contains("field=url", "field=secret");
    assertThat(http.getForObject("/api/v1/alert-rules", List.class).toString())
        .doesNotContain("name=bad");
  }

  // ---- helpers

  /** POSTs {@code body} as JSON. */
  private <T> ResponseEntity<T> post(String path, Object body, Class<T> type) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return http.exchange(
        path,
        HttpMethod.POST,
        new HttpEntity<>(body == null ? "" : Json.toJson(body), headers),
        type);
  }

  private long create(String path, Map<String, ?> body) {
    ResponseEntity<Map> created = post(path, body, Map.class);
    assertThat(created.getStatusCode())
        .as(String.valueOf(created.getBody()))
        .isEqualTo(HttpStatus.CREATED);
    return ((Number) created.getBody().get("id")).longValue();
  }

  private Map<?, ?> openAlert(long rule) {
    Map<?, ?> page = http.getForObject("/api/v1/alerts?ruleId=" + rule, Map.class);
    return ((List<Map<?, ?>>) page.get("items"))
        .stream().filter(a -> !"RESOLVED".equals(a.get("status"))).findFirst().orElse(null);
  }

  private Map<?, ?> alertById(Map<?, ?> alert) {
    return (Map<?, ?>)
        http.getForObject("/api/v1/alerts/" + alert.get("id"), Map.class).get("alert");
  }

  private List<String> steps(Map<?, ?> alert) {
    Map<?, ?> detail = http.getForObject("/api/v1/alerts/" + alert.get("id"), Map.class);
    return ((List<Map<?, ?>>) detail.get("steps"))
        .stream().map(s -> (String) s.get("type")).toList();
  }

  private void nodeState(NodeState from, NodeState to) {
    NodeStateChanged change =
        new NodeStateChanged(Contracts.SCHEMA_VERSION, APP + "-node-1", APP, from, to, NOW);
    traffic.send(new Message(Topics.NODE_STATE, to.name(), change.nodeId(), Json.toBytes(change)));
  }

  private String prometheus() {
    return http.getForObject("/actuator/prometheus", String.class);
  }

  private static String hmacHex(String secret, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
  }
}
