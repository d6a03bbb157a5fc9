package dev.scheduler.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Headers;
import dev.scheduler.contracts.Ids;
import dev.scheduler.contracts.Json;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.RealServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** The jobs API against MariaDB, Redis and the real broker, as an operator would use it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@RealServers
class JobsApiIntegrationTest {

  /**
   * How long fires may take to arrive. Seconds usually; the embedded broker shares the 2 cores with
   * the whole test suite and has refused sends for a while under load (job-service then sends them
   * again), so the bound is generous; the awaits end as soon as the fires are there.
   */
  private static final Duration FIRES_ARRIVE = Duration.ofSeconds(60);

  private static FireEventRecorder fires;

  @Autowired TestRestTemplate http;
  @Autowired MeterRegistry meters;

  private final String app = "it-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void listen() throws Exception {
    fires = new FireEventRecorder(EmbeddedRocketMq.shared().nameServerAddress());
  }

  @AfterAll
  static void stopListening() {
    fires.close();
  }

  private ResponseEntity<JsonNode> call(HttpMethod method, String path, Object body) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    headers.set(Headers.CALLER, "alice");
    String json = body == null ? null : body instanceof String s ? s : Json.toJson(body);
    return http.exchange(path, method, new HttpEntity<>(json, headers), JsonNode.class);
  }

  private JsonNode create(Map<String, Object> job) {
    ResponseEntity<JsonNode> created = call(HttpMethod.POST, "/api/v1/jobs", job);
    assertThat(created.getStatusCode()).as("%s", created.getBody()).isEqualTo(HttpStatus.CREATED);
    return created.getBody();
  }

  private Map<String, Object> everySecond(String name) {
    return Map.of(
        "app",
        app,
        "name",
        name,
        "jobType",
        "BEAN",
        "handler",
        "reportJob",
        "params",
        "{\"region\":\"eu\"}",
        "schedule",
        Map.of("type", "CRON", "cron", "* * * * * ?", "timeZone", "Europe/Berlin"),
        "shardCount",
        2,
        "shardParameters",
        "0=beijing,1=shanghai",
        "timeout",
        "PT30S",
        "retryPolicy",
        Map.of("maxAttempts", 3, "backoff", "EXPONENTIAL", "initialDelay", "PT1S"));
  }

  private Map<String, List<FireEvent>> firesOf(long jobId) {
    return fires.of(app, jobId).stream()
        .map(FireEventRecorder.Received::event)
        .collect(Collectors.groupingBy(FireEvent::fireId));
  }

  @Test
  void a_job_due_every_second_publishes_one_event_per_shard_per_occurrence() {
    long id = create(everySecond("every-second")).get("id").asLong();

    await().atMost(FIRES_ARRIVE).until(() -> firesOf(id).size() >= 3);

    firesOf(id)
        .forEach(
            (fireId, events) -> {
              assertThat(events).extracting(FireEvent::shardIndex).containsExactlyInAnyOrder(0, 1);
              FireEvent first = events.get(0);
              assertThat(first.scheduledTime().toEpochMilli() % 1000).isZero();
              assertThat(fireId).isEqualTo(Ids.fireId(id, first.scheduledTime()));
              for (FireEvent e : events) {
                assertThat(e.executionId()).isEqualTo(Ids.executionId(fireId, e.shardIndex()));
                assertThat(e.shardTotal()).isEqualTo(2);
                assertThat(e.shardParameter())
                    .isEqualTo(e.shardIndex() == 0 ? "beijing" : "shanghai");
                assertThat(e.handler()).isEqualTo("reportJob");
                assertThat(e.params()).isEqualTo("{\"region\":\"eu\"}");
                assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(30));
                assertThat(e.attempt()).isEqualTo(1);
                assertThat(e.manual()).isFalse();
                assertThat(e.retryPolicy().maxAttempts()).isEqualTo(3);
                assertThat(e.firedTime()).isAfterOrEqualTo(e.scheduledTime());
              }
            });
    assertThat(fires.of(app, id))
        .allSatisfy(
            r -> {
              assertThat(r.tags()).isEqualTo(app);
              assertThat(r.keys()).isEqualTo(r.event().executionId());
            });
    // counted for Prometheus as the broker took them
    assertThat(meters.get("scheduler.fire.events").tag("result", "sent").counter().count())
        .isGreaterThanOrEqualTo(6);
  }

  @Test
  void many_operators_creating_jobs_at_once_all_succeed() throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    List<java.util.concurrent.Future<ResponseEntity<JsonNode>>> results =
        new java.util.ArrayList<>();
    for (int i = 0; i < 80; i++) {
      Map<String, Object> job = new java.util.HashMap<>(everySecond("concurrent-" + i));
      job.put("schedule", Map.of("type", "CRON", "cron", "0 0 3 * * ?"));
      results.add(pool.submit(() -> call(HttpMethod.POST, "/api/v1/jobs", job)));
    }
    pool.shutdown();

    for (var result : results) {
      assertThat(result.get().getStatusCode())
          .as("%s", result.get().getBody())
          .isEqualTo(HttpStatus.CREATED);
    }
  }

  @Test
  void pause_stops_the_fires_and_resume_starts_them_again() {
    long id = create(everySecond("pausable")).get("id").asLong();
    await().atMost(FIRES_ARRIVE).until(() -> firesOf(id).size() >= 1);

    ResponseEntity<JsonNode> paused = call(HttpMethod.POST, "/api/v1/jobs/" + id + "/pause", null);
    assertThat(paused.getBody().get("status").asText()).isEqualTo("PAUSED");
    int afterPause = firesOf(id).size();

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> firesOf(id).size() <= afterPause + 1);
    int stopped = firesOf(id).size();

    call(HttpMethod.POST, "/api/v1/jobs/" + id + "/resume", null);
    await().atMost(FIRES_ARRIVE).until(() -> firesOf(id).size() >= stopped + 2);
  }

  @Test
  void an_update_reschedules_the_job() {
    JsonNode job = create(everySecond("reschedulable"));
    long id = job.get("id").asLong();
    await().atMost(FIRES_ARRIVE).until(() -> firesOf(id).size() >= 1);

    Map<String, Object> every5s = new java.util.HashMap<>(everySecond("reschedulable"));
    every5s.put("schedule", Map.of("type", "CRON", "cron", "0/5 * * * * ?"));
    every5s.put("version", job.get("version").asLong());
    ResponseEntity<JsonNode> updated = call(HttpMethod.PUT, "/api/v1/jobs/" + id, every5s);
    assertThat(updated.getStatusCode()).as("%s", updated.getBody()).isEqualTo(HttpStatus.OK);
    Instant changedAt = Instant.now();

    await()
        .atMost(FIRES_ARRIVE)
        .until(
            () ->
                firesOf(id).values().stream()
                        .filter(e -> e.get(0).firedTime().isAfter(changedAt.plusSeconds(1)))
                        .count()
                    >= 2);
    List<FireEvent> afterChange =
        firesOf(id).values().stream()
            .map(events -> events.get(0))
            .filter(e -> e.firedTime().isAfter(changedAt.plusSeconds(1)))
            .toList();
    assertThat(afterChange)
        .allSatisfy(e -> assertThat(e.scheduledTime().getEpochSecond() % 5).isZero());
  }

  @Test
  void a_manual_trigger_fires_once_with_the_parameters_given() {
    Map<String, Object> apiOnly =
        Map.of(
            "app",
            app,
            "name",
            "on-demand",
            "jobType",
            "HTTP",
            "jobData",
            Map.of("url", "https://billing.example/run", "method", "POST"),
            "schedule",
            Map.of("type", "API"));
    long id = create(apiOnly).get("id").asLong();

    ResponseEntity<JsonNode> triggered =
        call(
            HttpMethod.POST, "/api/v1/jobs/" + id + "/trigger", Map.of("params", "day=2026-11-24"));

    assertThat(triggered.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
    String fireId = triggered.getBody().get("fireId").asText();
    await().atMost(FIRES_ARRIVE).until(() -> firesOf(id).containsKey(fireId));
    FireEvent event = firesOf(id).get(fireId).get(0);
    assertThat(event.params()).isEqualTo("day=2026-11-24");
    assertThat(event.manual()).as("marked as an operator's").isTrue();
    assertThat(event.jobData()).contains("https://billing.example/run");
    assertThat(firesOf(id)).hasSize(1);
  }

  @Test
  void every_change_is_in_the_history_with_who_and_what() {
    JsonNode job = create(everySecond("audited"));
    long id = job.get("id").asLong();
    Map<String, Object> changed = new java.util.HashMap<>(everySecond("audited"));
    changed.put("priority", 9);
    changed.put("version", job.get("version").asLong());
    call(HttpMethod.PUT, "/api/v1/jobs/" + id, changed);
    call(HttpMethod.POST, "/api/v1/jobs/" + id + "/pause", null);
    call(HttpMethod.DELETE, "/api/v1/jobs/" + id, null);

    JsonNode history = call(HttpMethod.GET, "/api/v1/jobs/" + id + "/history", null).getBody();

    assertThat(history.get("items"))
        .extracting(e -> e.get("action").asText())
        .containsExactly("DELETED", "PAUSED", "UPDATED", "CREATED");
    JsonNode update = history.get("items").get(2);
    assertThat(update.get("actor").asText()).isEqualTo("alice");
    assertThat(update.get("changes")).extracting(JsonNode::asText).containsExactly("priority");
    assertThat(update.get("before").get("priority").asInt()).isEqualTo(5);
    assertThat(update.get("after").get("priority").asInt()).isEqualTo(9);
    assertThat(call(HttpMethod.GET, "/api/v1/jobs/" + id, null).getStatusCode())
        .isEqualTo(HttpStatus.NOT_FOUND);
  }

  @Test
  void the_next_fire_times_follow_the_cron_in_the_jobs_zone() {
    Map<String, Object> nightly =
        Map.of(
            "app", app,
            "name", "nightly",
            "jobType", "CRON",
            "handler", "nightlyJob",
            "schedule", Map.of("cron", "0 30 2 * * ?", "timeZone", "Asia/Shanghai"));
    long id = create(nightly).get("id").asLong();

    JsonNode times =
        call(HttpMethod.GET, "/api/v1/jobs/" + id + "/next-fire-times?count=3", null).getBody();

    assertThat(times).hasSize(3);
    for (JsonNode time : times) {
      // 02:30 in Shanghai (UTC+8, no DST) is 18:30 UTC the day before.
      assertThat(time.asText()).endsWith("T18:30:00Z");
    }
    JsonNode view = call(HttpMethod.GET, "/api/v1/jobs/" + id, null).getBody();
    assertThat(view.get("jobType").asText()).isEqualTo("BEAN");
    assertThat(view.get("nextFireTime").asText()).isEqualTo(times.get(0).asText());
  }
}
