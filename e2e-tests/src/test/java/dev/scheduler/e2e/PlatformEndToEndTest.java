package dev.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.FreePorts;
import dev.scheduler.testkit.RedisEndpoint;
import dev.scheduler.testkit.TestDatabases;
import dev.scheduler.testkit.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole platform as separate processes from their executable jars — job-service,
 * execution-service, monitor-service, the gateway and two instances of the sample business
 * application with the agent — on the real database, Redis and broker, used as a client uses it:
 * through the gateway with an API key. Jobs fire on their schedule and run in the sample app,
 * executions and their logs are read back, an operator pauses, resumes, triggers with parameters,
 * retries and cancels, a sharded job splits across both agents, a broadcast runs once on each, a
 * failing job raises an alert and shows in the metrics, and an agent that stops leaves.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformEndToEndTest {

  private static final String APP = "sample-app";
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  private static final List<ServiceProcess> processes = new ArrayList<>();
  private static EmbeddedRocketMq broker;
  private static GatewayClient api;
  private static ServiceProcess agentB;
  private static String nodeA;
  private static String nodeB;

  @BeforeAll
  static void startPlatform() {
    // a broker of its own: another test's fires left on a shared one would be recorded here
    broker = EmbeddedRocketMq.start();
    String nameServer = broker.nameServerAddress();
    RedisEndpoint redis = TestRedis.endpoint();
    nodeA = "e2e-a-" + RUN;
    nodeB = "e2e-b-" + RUN;
    int executionsPort = FreePorts.any();
    int jobsPort = FreePorts.any();
    int monitorPort = FreePorts.any();
    int gatewayPort = FreePorts.any();

    start(
        "execution-service",
        "execution-service",
        executionsPort,
        ProcessArgs.executionService(TestDatabases.create("e2e_exec"), nameServer));
    start(
        "job-service",
        "job-service",
        jobsPort,
        ProcessArgs.jobService(
            TestDatabases.create("e2e_job"), nameServer, redis, "e2e-" + RUN, executionsPort));
    start(
        "monitor-service",
        "monitor-service",
        monitorPort,
        ProcessArgs.with(
            ProcessArgs.monitorService(
                TestDatabases.create("e2e_mon"), nameServer, jobsPort, executionsPort),
            // a minute's figures are written 2 s after it ends instead of 30 s
            "--scheduler.monitor.metrics.rollup-grace=2s",
            "--scheduler.monitor.metrics.flush-interval=2s"));
    start(
        "gateway",
        "gateway",
        gatewayPort,
        ProcessArgs.gateway(
            redis,
            "e2e-" + RUN + ":",
            500,
            1000,
            Map.of(
                "job-service", jobsPort,
                "execution-service", executionsPort,
                "monitor-service", monitorPort)));
    processes.forEach(ServiceProcess::awaitHealthy);
    api = new GatewayClient("http://127.0.0.1:" + gatewayPort, "local-dev-admin-key");

    // As an operator does: the app's agent credential is issued through the API and handed to
    // the app's agents; execution-service has no shared agent token here.
    String credential =
        api.post("/api/v1/agent-credentials", "{\"app\": \"" + APP + "\"}", 201)
            .path("credential")
            .asText();
    start(
        "sample-app-a",
        "executor-agent/sample-app",
        FreePorts.any(),
        ProcessArgs.agent(nodeA, nameServer, executionsPort, credential));
    agentB =
        start(
            "sample-app-b",
            "executor-agent/sample-app",
            FreePorts.any(),
            ProcessArgs.agent(nodeB, nameServer, executionsPort, credential));
    processes.forEach(ServiceProcess::awaitHealthy);
  }

  @AfterAll
  static void stopPlatform() {
    processes.forEach(ServiceProcess::close);
    broker.close();
  }

  @Test
  @Order(1)
  void agents_register_and_heartbeat_their_load() {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(onlineNodes()).containsExactlyInAnyOrder(nodeA, nodeB));
    JsonNode node = api.get("/api/v1/nodes/" + nodeA);
    assertThat(node.path("app").asText()).isEqualTo(APP);
    assertThat(node.path("capacity").asInt()).isPositive();
    assertThat(node.path("heapUsedBytes").asLong()).isPositive();
  }

  @Test
  @Order(2)
  void a_cron_job_fires_on_its_schedule_runs_in_the_app_and_pauses_and_resumes() {
    long id =
        createJob(
            "every-2s",
            "quick",
            "{\"type\": \"CRON\", \"cron\": \"0/2 * * * * ?\", \"timeZone\": \"Europe/Berlin\"}",
            "");
    await().atMost(Duration.ofSeconds(60)).until(() -> executionsOf(id, "SUCCEEDED").size() >= 2);
    JsonNode run = executionsOf(id, "SUCCEEDED").get(0);
    assertThat(run.path("triggerType").asText()).isEqualTo("SCHEDULE");
    assertThat(Instant.parse(run.path("scheduledAt").asText()).getEpochSecond() % 2).isZero();
    assertThat(logOf(run.path("executionId").asText())).contains("quick job for");

    api.post("/api/v1/jobs/" + id + "/pause", "", 200);
    Instant paused = Instant.now().plusSeconds(1); // a fire already on its way may still arrive
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(8))
        .until(() -> scheduledAfter(id, paused) == 0);

    api.post("/api/v1/jobs/" + id + "/resume", "", 200);
    await().atMost(Duration.ofSeconds(30)).until(() -> scheduledAfter(id, paused) > 0);
  }

  @Test
  @Order(3)
  void a_trigger_with_parameters_runs_once_with_them_and_can_be_retried() {
    long id = createJob("on-demand", "quick", "{\"type\": \"API\"}", "");
    JsonNode fired =
        api.post("/api/v1/jobs/" + id + "/trigger", "{\"params\": \"from-e2e-" + RUN + "\"}", 202);
    String executionId = fired.path("executionIds").get(0).asText();
    JsonNode done = awaitStatus(executionId, "SUCCEEDED");
    assertThat(done.path("triggerType").asText()).isEqualTo("MANUAL");
    assertThat(logOf(executionId)).contains("quick job for from-e2e-" + RUN);
    assertThat(executionsOf(id, null)).hasSize(1);

    JsonNode retried = api.post("/api/v1/executions/" + executionId + "/retry", "", 202);
    assertThat(retried.path("attempt").asInt()).isEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              JsonNode again = api.get("/api/v1/executions/" + executionId);
              assertThat(again.path("attempt").asInt()).isEqualTo(2);
              assertThat(again.path("status").asText()).isEqualTo("SUCCEEDED");
              assertThat(again.path("attempts").size()).isEqualTo(2);
            });
  }

  @Test
  @Order(4)
  void a_running_execution_is_cancelled_through_the_api() {
    long id = createJob("slow", "slow", "{\"type\": \"API\"}", ", \"params\": \"60\"");
    JsonNode fired = api.post("/api/v1/jobs/" + id + "/trigger", "", 202);
    String executionId = fired.path("executionIds").get(0).asText();
    awaitStatus(executionId, "RUNNING");

    api.post("/api/v1/executions/" + executionId + "/cancel", "{\"reason\": \"e2e\"}", 202);

    JsonNode cancelled = awaitStatus(executionId, "CANCELLED");
    assertThat(cancelled.path("attempt").asInt()).isEqualTo(1);
    assertThat(cancelled.path("nodeId").asText()).isIn(nodeA, nodeB);
  }

  @Test
  @Order(5)
  void a_sharded_job_splits_its_shards_across_both_agents_and_runs_each_once() {
    long id =
        createJob(
            "sharded",
            "sharded",
            "{\"type\": \"API\"}",
            ", \"shardCount\": 4, \"shardParameters\": \"0=a,1=b,2=c,3=d\"");
    // the agents' consumer group spreads the broker's queues over both once it has balanced
    Set<String> nodes = new HashSet<>();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              JsonNode fired = api.post("/api/v1/jobs/" + id + "/trigger", "", 202);
              nodes.clear();
              for (JsonNode executionId : fired.path("executionIds")) {
                JsonNode done = awaitStatus(executionId.asText(), "SUCCEEDED");
                assertThat(done.path("attempt").asInt()).isEqualTo(1);
                assertThat(done.path("duplicateEvents").asInt()).isZero();
                assertThat(logOf(executionId.asText()))
                    .contains("with parameter " + done.path("shardParameter").asText());
                nodes.add(done.path("nodeId").asText());
              }
              return nodes.size() == 2;
            });
    assertThat(nodes).containsExactlyInAnyOrder(nodeA, nodeB);
  }

  @Test
  @Order(6)
  void a_broadcast_job_runs_once_on_every_live_agent() {
    long id = createJob("broadcast-both", "quick", "{\"type\": \"API\"}", ", \"broadcast\": true");
    JsonNode fired = triggerWhenAgentsKnown(id, 2);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> assertThat(succeededOn(fired)).containsExactlyInAnyOrder(nodeA, nodeB));
  }

  @Test
  @Order(7)
  void a_failing_job_raises_one_alert_and_shows_in_the_metrics() {
    long id = createJob("failing", "failing", "{\"type\": \"API\"}", "");
    api.post(
        "/api/v1/alert-rules",
        """
        {"name": "e2e-two-in-a-row-%s", "type": "CONSECUTIVE_FAILURES", "severity": "CRITICAL",
         "scope": "JOB", "scopeValue": "%d", "consecutiveFailures": 2}
        """
            .formatted(RUN, id),
        201);
    Instant from = Instant.now().minusSeconds(60);
    for (int i = 0; i < 3; i++) {
      JsonNode fired = api.post("/api/v1/jobs/" + id + "/trigger", "", 202);
      awaitStatus(fired.path("executionIds").get(0).asText(), "FAILED");
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode firing = api.get("/api/v1/alerts?status=FIRING&size=100").path("items");
              List<JsonNode> ours = new ArrayList<>();
              firing.forEach(
                  a -> {
                    if (a.path("subject").asText().equals("job:" + id)) ours.add(a);
                  });
              assertThat(ours).hasSize(1);
              assertThat(ours.get(0).path("occurrences").asInt()).isEqualTo(2);
            });
    // the minute's rollup is written once the minute has ended
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              int failed = 0;
              for (JsonNode point :
                  api.get("/api/v1/metrics/jobs/" + id + "?from=" + from).path("points")) {
                failed += point.path("failed").asInt();
              }
              assertThat(failed).isEqualTo(3);
            });
  }

  @Test
  @Order(8)
  void an_agent_that_stops_leaves_the_registry_and_the_next_broadcast() {
    agentB.close();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(api.get("/api/v1/nodes/" + nodeB).path("state").asText())
                    .isEqualTo("OFFLINE"));
    assertThat(onlineNodes()).containsExactly(nodeA);

    long id = createJob("broadcast-one", "quick", "{\"type\": \"API\"}", ", \"broadcast\": true");
    JsonNode fired = triggerWhenAgentsKnown(id, 1);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(succeededOn(fired)).containsExactly(nodeA));
  }

  // ---- helpers

  private static ServiceProcess start(String name, String module, int port, List<String> args) {
    ServiceProcess process = ServiceProcess.start(name, module, port, args);
    processes.add(process);
    return process;
  }

  /** Creates a job of the sample app through the gateway; {@code more} adds fields. */
  private static long createJob(String name, String handler, String schedule, String more) {
    String body =
        """
        {"app": "%s", "name": "%s-%s", "jobType": "BEAN", "handler": "%s", "schedule": %s%s}
        """
            .formatted(APP, name, RUN, handler, schedule, more);
    return api.post("/api/v1/jobs", body, 201).path("id").asLong();
  }

  private static List<JsonNode> executionsOf(long jobId, String status) {
    String query = "/api/v1/executions?size=200&jobId=" + jobId;
    List<JsonNode> found = new ArrayList<>();
    api.get(status == null ? query : query + "&status=" + status).path("items").forEach(found::add);
    return found;
  }

  private static long scheduledAfter(long jobId, Instant after) {
    return executionsOf(jobId, null).stream()
        .filter(e -> Instant.parse(e.path("scheduledAt").asText()).isAfter(after))
        .count();
  }

  private static String logOf(String executionId) {
    return api.get("/api/v1/executions/" + executionId + "/log").path("lines").toString();
  }

  private static JsonNode awaitStatus(String executionId, String status) {
    JsonNode[] found = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              found[0] = api.get("/api/v1/executions/" + executionId);
              return status.equals(found[0].path("status").asText());
            });
    return found[0];
  }

  /** The nodes that ran the executions a trigger answered with, each asserted SUCCEEDED. */
  private static List<String> succeededOn(JsonNode fired) {
    List<String> nodes = new ArrayList<>();
    for (JsonNode id : fired.path("executionIds")) {
      JsonNode execution = api.get("/api/v1/executions/" + id.asText());
      assertThat(execution.path("status").asText()).as(id.asText()).isEqualTo("SUCCEEDED");
      nodes.add(execution.path("nodeId").asText());
    }
    return nodes;
  }

  private static List<String> onlineNodes() {
    List<String> online = new ArrayList<>();
    api.get("/api/v1/nodes?app=" + APP + "&state=ONLINE")
        .path("items")
        .forEach(node -> online.add(node.path("nodeId").asText()));
    return online;
  }

  /**
   * Triggers the job until a trigger reaches {@code agents} agents: job-service's view of the live
   * agents trails the registry by up to its 2 s refresh, so a trigger just after an agent came or
   * left may reach one agent more or fewer (a share sent to an agent that left waits until the
   * dispatch watchdog reports it MISSED).
   */
  private static JsonNode triggerWhenAgentsKnown(long jobId, int agents) {
    JsonNode[] fired = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              GatewayClient.Answer answer =
                  api.exchange("POST", "/api/v1/jobs/" + jobId + "/trigger", null);
              if (answer.status() != 202) {
                return false;
              }
              fired[0] = answer.body();
              return fired[0].path("executionIds").size() == agents;
            });
    return fired[0];
  }
}
