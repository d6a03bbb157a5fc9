package dev.scheduler.execution.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.NodeState;
import dev.scheduler.contracts.NodeStateChanged;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.contracts.Topics;
import dev.scheduler.execution.TestAgents;
import dev.scheduler.execution.TestAttempts;
import dev.scheduler.execution.TestMessages;
import dev.scheduler.execution.api.ExecutionQueries;
import dev.scheduler.execution.ingest.Dispatcher;
import dev.scheduler.execution.store.ExecutionIngest;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.RealServers;
import dev.scheduler.testkit.SettableClock;
import dev.scheduler.testkit.TopicReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Heartbeats and node states by silence (settable clock); a node's state never fails its work over
 * (its leases do, see {@code LeaseIntegrationTest}).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "scheduler.execution.nodes.agent-token=" + NodeRegistryTest.TOKEN,
      "scheduler.execution.nodes.scan-interval=1h"
    })
@RealServers(redis = false)
// Closed after the class: a live context consumes the shared topics and would act on the events
// of the next class (retrying its executions by its own clock).
@DirtiesContext
class NodeRegistryTest {

  static final String TOKEN = "a-test-agent-token-of-at-least-32-characters";

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static TopicReader<NodeStateChanged> changes;

  @Autowired TestRestTemplate http;
  @Autowired SettableClock clock;
  @Autowired NodeWatch watch;
  @Autowired ExecutionIngest ingest;
  @Autowired JdbcTemplate jdbc;
  @Autowired NodeRegistry registry;
  @Autowired NodeProperties properties;
  @Autowired Dispatcher dispatcher;
  @Autowired ExecutionQueries queries;

  private String app;

  @TestConfiguration
  static class Clocks {
    @Bean
    SettableClock clock() {
      return new SettableClock(T0);
    }
  }

  @BeforeAll
  static void connect() {
    String nameServer = EmbeddedRocketMq.shared().nameServerAddress();
    changes = TopicReader.of(nameServer, Topics.NODE_STATE, NodeStateChanged.class);
  }

  @AfterAll
  static void disconnect() {
    changes.close();
  }

  @BeforeEach
  void newApp() {
    app = "nodes-" + UUID.randomUUID().toString().substring(0, 8);
    clock.set(T0);
  }

  @Test
  void a_heartbeat_without_the_agent_token_is_refused_and_stores_nothing() {
    ResponseEntity<String> wrong = beat("node-x", "wrong-token", app);
    ResponseEntity<String> none = beat("node-x", null, app);

    assertThat(wrong.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(none.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(wrong.getBody()).contains("urn:scheduler:problem:unauthenticated");
    assertThat(nodes(app)).isEmpty();
  }

  @Test
  void a_heartbeat_with_a_bad_app_name_gets_a_problem_naming_the_field() {
    ResponseEntity<String> response = beat("node-x", TOKEN, "bad app");

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.getBody()).contains("\"field\":\"app\"");
  }

  @Test
  void a_heartbeating_node_is_online_with_its_load_and_listed_for_its_app() {
    String node = app + "-a";
    assertThat(beat(node, TOKEN, app).getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);

    List<Map<String, Object>> listed = nodes(app);
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0))
        .containsEntry("nodeId", node)
        .containsEntry("state", "ONLINE")
        .containsEntry("capacity", 8)
        .containsEntry("running", 2);
    awaitChange(node, null, NodeState.ONLINE);
  }

  @Test
  void a_silent_node_turns_suspect_then_offline_and_its_running_execution_is_left_to_its_lease()
      throws Exception {
    String node = app + "-a";
    FireEvent fire = runningOnNewNode(node);

    clock.advance(Duration.ofSeconds(4)); // 4 s: not yet suspect at exactly the bound
    assertThat(scanFor(node)).isEmpty();
    clock.advance(Duration.ofSeconds(1)); // 5 s of silence
    assertThat(scanFor(node)).containsExactly(NodeState.SUSPECT);
    clock.advance(Duration.ofSeconds(1)); // 6 s: still counted as alive at exactly the bound
    assertThat(scanFor(node)).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(scanFor(node)).containsExactly(NodeState.OFFLINE);

    // OFFLINE says the node is silent, not that it stopped running what it holds (a pause, a
    // partition): its execution stays its own.
    assertThat(
            jdbc.queryForMap(
                "SELECT status, attempt FROM scheduler_job_execution WHERE execution_id = ?",
                fire.executionId()))
        .containsEntry("status", "RUNNING")
        .containsEntry("attempt", 1);
    assertThat(TestAttempts.of(queries, fire.executionId())).containsExactly("1:RUNNING");
    awaitChange(node, NodeState.ONLINE, NodeState.SUSPECT);
    awaitChange(node, NodeState.SUSPECT, NodeState.OFFLINE);

    // It comes back.
    beat(node, TOKEN, app);
    assertThat(nodes(app).get(0)).containsEntry("state", "ONLINE");
  }

  @Test
  void a_replica_that_just_started_does_not_count_the_silence_from_before_it_listened()
      throws Exception {
    String node = app + "-a";
    runningOnNewNode(node);
    // Every replica was down for 20 s; the node kept running its execution but nobody heard it.
    clock.advance(Duration.ofSeconds(20));
    NodeWatch restarted = new NodeWatch(registry, properties, dispatcher, clock);
    restarted.listening();

    clock.advance(Duration.ofSeconds(2));
    assertThat(scanFor(restarted, node)).isEmpty();
    beat(node, TOKEN, app); // its next heartbeat reaches the new replica
    clock.advance(Duration.ofSeconds(6));
    assertThat(scanFor(restarted, node)).containsExactly(NodeState.SUSPECT);
    clock.advance(Duration.ofSeconds(3).plusMillis(1)); // 9 s of silence heard by the replica
    assertThat(scanFor(restarted, node)).containsExactly(NodeState.OFFLINE);
  }

  @Test
  void a_node_that_leaves_is_offline_at_once_keeps_what_it_runs_and_an_unknown_one_is_not_found()
      throws Exception {
    String node = app + "-a";
    FireEvent fire = runningOnNewNode(node);

    ResponseEntity<String> left = leave(node);
    ResponseEntity<String> unknown = leave(app + "-nobody");

    assertThat(left.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
    assertThat(nodes(app).get(0)).containsEntry("state", "OFFLINE");
    assertThat(unknown.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    // Anyone holding the agent token could call it: it must not make running work run twice.
    assertThat(TestAttempts.of(queries, fire.executionId())).containsExactly("1:RUNNING");
  }

  // ---- helpers

  /** A node that heartbeats once and runs one execution. */
  private FireEvent runningOnNewNode(String node) throws Exception {
    beat(node, TOKEN, app);
    FireEvent fire = fire();
    ingest.fires(List.of(fire));
    ingest.events(List.of(started(fire, node)));
    return fire;
  }

  /** The states {@code node} moved to in one scan (nodes of other tests share the database). */
  private List<NodeState> scanFor(String node) {
    return scanFor(watch, node);
  }

  private static List<NodeState> scanFor(NodeWatch watch, String node) {
    return watch.scan().stream()
        .filter(c -> c.nodeId().equals(node))
        .map(NodeStateChanged::to)
        .toList();
  }

  private ResponseEntity<String> beat(String node, String token, String app) {
    return TestAgents.post(
        http, "/agent/v1/heartbeats", TestAgents.heartbeat(node, app, clock.instant()), token);
  }

  private ResponseEntity<String> leave(String node) {
    HttpHeaders headers = new HttpHeaders();
    headers.set(AgentNodesResource.TOKEN_HEADER, TOKEN);
    return http.exchange(
        "/agent/v1/nodes/" + node, HttpMethod.DELETE, new HttpEntity<>(headers), String.class);
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> nodes(String app) {
    Map<String, Object> page = http.getForObject("/api/v1/nodes?app=" + app, Map.class);
    return (List<Map<String, Object>>) page.get("items");
  }

  private static void awaitChange(String node, NodeState from, NodeState to) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                changes.messages().stream()
                    .anyMatch(c -> c.nodeId().equals(node) && c.from() == from && c.to() == to));
  }

  private FireEvent fire() {
    return TestMessages.fire(
        ThreadLocalRandom.current().nextLong(1, 1L << 40), app, T0, RetryPolicy.NONE);
  }

  private ExecutionEvent started(FireEvent fire, String node) {
    ExecutionEvent started =
        TestMessages.event(fire, ExecutionEventType.STARTED, 1, clock.instant());
    return new ExecutionEvent(
        started.schemaVersion(),
        started.type(),
        started.executionId(),
        started.jobId(),
        started.app(),
        1,
        node,
        started.time(),
        null,
        null,
        List.of(),
        started.traceId());
  }
}
