package dev.scheduler.execution.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scheduler.contracts.ControlCommand;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.contracts.Topics;
import dev.scheduler.execution.TestMessages;
import dev.scheduler.execution.store.ExecutionIngest;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.FireTraffic;
import dev.scheduler.testkit.RealServers;
import dev.scheduler.testkit.TopicReader;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;

/** The executions API over real tables, with retry and cancel going through the real broker. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@RealServers(redis = false)
@DirtiesContext
class ExecutionsApiTest {

  private static FireTraffic traffic;
  private static TopicReader<ControlCommand> commands;

  @Autowired TestRestTemplate http;
  @Autowired ExecutionIngest ingest;

  private long job;
  private String app;

  @BeforeAll
  static void connect() {
    String nameServer = EmbeddedRocketMq.shared().nameServerAddress();
    traffic = FireTraffic.connect(nameServer);
    commands = TopicReader.of(nameServer, Topics.CONTROL, ControlCommand.class);
  }

  @AfterAll
  static void disconnect() {
    commands.close();
    traffic.close();
  }

  @BeforeEach
  void newJob() {
    job = ThreadLocalRandom.current().nextLong(1, 1L << 40);
    app = "api-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void the_list_filters_by_job_and_status_and_pages() {
    FireEvent first = fire(job, 0, RetryPolicy.NONE);
    FireEvent second = fire(job, 1, RetryPolicy.NONE);
    FireEvent other = fire(job + 1, 0, RetryPolicy.NONE);
    ingest.fires(List.of(first, second, other));
    ingest.events(
        List.of(
            event(first, ExecutionEventType.STARTED, 1, 0),
            event(first, ExecutionEventType.SUCCEEDED, 1, 2)));

    JsonNode ofJob = get("/api/v1/executions?jobId=" + job + "&size=1");
    assertThat(ofJob.get("totalItems").asLong()).isEqualTo(2);
    assertThat(ofJob.get("items")).hasSize(1);
    JsonNode succeeded = get("/api/v1/executions?jobId=" + job + "&status=SUCCEEDED");
    assertThat(succeeded.get("items")).hasSize(1);
    assertThat(succeeded.get("items").get(0).get("executionId").asText())
        .isEqualTo(first.executionId());
    JsonNode byApp = get("/api/v1/executions?app=" + app + "&status=WAITING");
    assertThat(byApp.get("totalItems").asLong()).isEqualTo(2);
  }

  @Test
  void bad_list_parameters_get_one_problem_naming_each() {
    ResponseEntity<JsonNode> response =
        http.getForEntity(
            "/api/v1/executions?status=DONE&from=yesterday&jobId=x&size=500", JsonNode.class);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.getBody().get("errors").findValuesAsText("field"))
        .containsExactlyInAnyOrder("status", "from", "jobId", "size");
  }

  @Test
  void the_detail_shows_every_attempt_and_an_unknown_execution_is_not_found() {
    FireEvent fire =
        fire(job, 0, new RetryPolicy(2, RetryPolicy.Backoff.FIXED, Duration.ofHours(1), null));
    ingest.fires(List.of(fire));
    ingest.events(
        List.of(
            event(fire, ExecutionEventType.STARTED, 1, 0),
            event(fire, ExecutionEventType.FAILED, 1, 1)));

    JsonNode detail = get("/api/v1/executions/" + fire.executionId());

    assertThat(detail.get("status").asText()).isEqualTo("RETRYING");
    assertThat(detail.get("handler").asText()).isEqualTo("report");
    assertThat(detail.get("attempts")).hasSize(1);
    assertThat(detail.get("attempts").get(0).get("status").asText()).isEqualTo("FAILED");
    assertThat(detail.get("attempts").get(0).get("error").asText()).isEqualTo("boom");
    assertThat(http.getForEntity("/api/v1/executions/1-2-3", JsonNode.class).getStatusCode())
        .isEqualTo(HttpStatus.NOT_FOUND);
  }

  @Test
  void the_log_pages_forward_and_shows_its_tail() {
    FireEvent fire = fire(job, 0, RetryPolicy.NONE);
    ingest.fires(List.of(fire));
    ingest.events(List.of(log(fire, "a", "b", "c", "d", "e")));

    JsonNode page1 = get("/api/v1/executions/" + fire.executionId() + "/log?limit=2");
    JsonNode page2 =
        get(
            "/api/v1/executions/"
                + fire.executionId()
                + "/log?afterSeq="
                + page1.get("nextAfterSeq").asLong());
    JsonNode tail = get("/api/v1/executions/" + fire.executionId() + "/log?tail=2");

    assertThat(page1.get("lines").findValuesAsText("message")).containsExactly("a", "b");
    assertThat(page2.get("lines").findValuesAsText("message")).containsExactly("c", "d", "e");
    assertThat(tail.get("lines").findValuesAsText("message")).containsExactly("d", "e");
    assertThat(
            http.getForEntity(
                    "/api/v1/executions/" + fire.executionId() + "/log?limit=5000", JsonNode.class)
                .getStatusCode())
        .isEqualTo(HttpStatus.BAD_REQUEST);
  }

  @Test
  void an_ended_execution_is_retried_once_as_its_next_attempt_and_a_running_one_is_not() {
    FireEvent failed = fire(job, 0, RetryPolicy.NONE);
    FireEvent running = fire(job, 1, RetryPolicy.NONE);
    ingest.fires(List.of(failed, running));
    ingest.events(
        List.of(
            event(failed, ExecutionEventType.FAILED, 1, 1),
            event(running, ExecutionEventType.STARTED, 1, 1)));

    ResponseEntity<JsonNode> retried =
        post("/api/v1/executions/" + failed.executionId() + "/retry");
    ResponseEntity<JsonNode> again = post("/api/v1/executions/" + failed.executionId() + "/retry");
    ResponseEntity<JsonNode> notEnded =
        post("/api/v1/executions/" + running.executionId() + "/retry");

    assertThat(retried.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(retried.getBody().get("attempt").asInt()).isEqualTo(2);
    assertThat(again.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
    assertThat(notEnded.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !traffic.firesOf(failed.executionId(), 2).isEmpty());
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode detail = get("/api/v1/executions/" + failed.executionId());
              assertThat(detail.get("attempt").asInt()).isEqualTo(2);
              assertThat(detail.get("triggerType").asText()).isEqualTo("MANUAL");
            });
  }

  @Test
  void cancel_stops_a_waiting_execution_at_once_and_asks_the_agent_of_a_running_one() {
    FireEvent waiting = fire(job, 0, RetryPolicy.NONE);
    FireEvent running = fire(job, 1, RetryPolicy.NONE);
    FireEvent done = fire(job, 2, RetryPolicy.NONE);
    ingest.fires(List.of(waiting, running, done));
    ingest.events(
        List.of(
            event(running, ExecutionEventType.STARTED, 1, 1),
            event(done, ExecutionEventType.SUCCEEDED, 1, 1)));

    ResponseEntity<JsonNode> cancelWaiting =
        post("/api/v1/executions/" + waiting.executionId() + "/cancel");
    ResponseEntity<JsonNode> cancelRunning =
        post("/api/v1/executions/" + running.executionId() + "/cancel");
    ResponseEntity<JsonNode> cancelDone =
        post("/api/v1/executions/" + done.executionId() + "/cancel");

    assertThat(cancelWaiting.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(get("/api/v1/executions/" + waiting.executionId()).get("status").asText())
        .isEqualTo("CANCELLED");
    assertThat(cancelRunning.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(cancelDone.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                commands.messages().stream()
                    .anyMatch(
                        c ->
                            c.executionId().equals(running.executionId())
                                && c.type() == ControlCommand.Type.CANCEL
                                && c.app().equals(app)
                                && "node-a".equals(c.nodeId())));
  }

  @Test
  void a_cancel_with_a_field_it_does_not_know_is_refused_and_changes_nothing() {
    FireEvent waiting = fire(job, 3, RetryPolicy.NONE);
    ingest.fires(List.of(waiting));
    org.springframework.http.HttpHeaders headers = new org.springframework.http.HttpHeaders();
    headers.setContentType(org.springframework.http.MediaType.APPLICATION_JSON);

    ResponseEntity<JsonNode> refused =
        http.postForEntity(
            "/api/v1/executions/" + waiting.executionId() + "/cancel",
            new org.springframework.http.HttpEntity<>("{\"reasn\": \"typo\"}", headers),
            JsonNode.class);

    assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(refused.getBody().get("errors").get(0).get("field").asText()).isEqualTo("reasn");
    assertThat(get("/api/v1/executions/" + waiting.executionId()).get("status").asText())
        .isEqualTo("WAITING");
  }

  @Test
  void the_summary_counts_by_status_and_gives_run_time_percentiles() {
    List<FireEvent> fires = new ArrayList<>();
    List<ExecutionEvent> events = new ArrayList<>();
    long[] seconds = {1, 2, 10};
    for (int i = 0; i < seconds.length; i++) {
      FireEvent fire = fire(job, i, RetryPolicy.NONE);
      fires.add(fire);
      events.add(event(fire, ExecutionEventType.STARTED, 1, 0));
      events.add(event(fire, ExecutionEventType.SUCCEEDED, 1, seconds[i]));
    }
    fires.add(fire(job, 9, RetryPolicy.NONE));
    ingest.fires(fires);
    ingest.events(events);

    JsonNode summary = get("/api/v1/executions/summary?jobId=" + job + "&window=PT1H");

    assertThat(summary.get("counts").get("SUCCEEDED").asLong()).isEqualTo(3);
    assertThat(summary.get("counts").get("WAITING").asLong()).isEqualTo(1);
    assertThat(summary.get("runs").asLong()).isEqualTo(3);
    assertThat(summary.get("p50").asText()).isEqualTo("PT2S");
    assertThat(summary.get("p95").asText()).isEqualTo("PT10S");
    assertThat(
            http.getForEntity("/api/v1/executions/summary?window=P90D", JsonNode.class)
                .getBody()
                .get("errors")
                .findValuesAsText("field"))
        .containsExactlyInAnyOrder("jobId", "window");
  }

  // ---- helpers

  private JsonNode get(String path) {
    ResponseEntity<JsonNode> response = http.getForEntity(path, JsonNode.class);
    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
    return response.getBody();
  }

  private ResponseEntity<JsonNode> post(String path) {
    return http.postForEntity(path, null, JsonNode.class);
  }

  private FireEvent fire(long jobId, int second, RetryPolicy policy) {
    Instant due = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60 - second);
    return TestMessages.fire(jobId, app, due, policy);
  }

  private static ExecutionEvent event(
      FireEvent fire, ExecutionEventType type, int attempt, long second) {
    return TestMessages.event(fire, type, attempt, fire.scheduledTime().plusSeconds(second));
  }

  private static ExecutionEvent log(FireEvent fire, String... lines) {
    return TestMessages.log(fire, 1, fire.scheduledTime(), lines);
  }
}
