package dev.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.FreePorts;
import dev.scheduler.testkit.RedisEndpoint;
import dev.scheduler.testkit.TestDatabase;
import dev.scheduler.testkit.TestDatabases;
import dev.scheduler.testkit.TestRedis;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * job-service, execution-service and two instances of the sample business application (each with
 * the agent) as separate processes from their executable jars, on the real database, Redis and
 * broker: agents register and heartbeat into execution-service's node registry, a broadcast job
 * runs once on each live agent and its executions are recorded, and an agent that stops leaves the
 * registry and the next broadcast.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentsAndServicesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String TOKEN = "e2e-token-" + UUID.randomUUID();
  private static final String APP = "sample-app";

  private static final List<ServiceProcess> processes = new ArrayList<>();
  private static ServiceProcess executions;
  private static ServiceProcess jobs;
  private static ServiceProcess agentA;
  private static ServiceProcess agentB;
  private static String nodeA;
  private static String nodeB;

  @BeforeAll
  static void startPlatform() {
    String nameServer = EmbeddedRocketMq.shared().nameServerAddress();
    RedisEndpoint redis = TestRedis.endpoint();
    TestDatabase executionDb = TestDatabases.create("e2e_exec");
    TestDatabase jobDb = TestDatabases.create("e2e_job");
    String run = UUID.randomUUID().toString().substring(0, 8);
    nodeA = "e2e-a-" + run;
    nodeB = "e2e-b-" + run;

    executions =
        start(
            "execution-service",
            "execution-service",
            with(
                datasource(executionDb),
                "--rocketmq.name-server=" + nameServer,
                "--scheduler.execution.nodes.agent-token=" + TOKEN));
    int executionsPort = executions.port();
    jobs =
        start(
            "job-service",
            "job-service",
            with(
                datasource(jobDb),
                "--rocketmq.name-server=" + nameServer,
                "--spring.data.redis.host=" + redis.host(),
                "--spring.data.redis.port=" + redis.port(),
                "--scheduler.job.trigger.cluster-name=e2e-" + run,
                "--scheduler.job.execution-service-url=http://127.0.0.1:" + executionsPort));
    agentA = start("sample-app-a", "executor-agent/sample-app", agent(nodeA, nameServer, redis));
    agentB = start("sample-app-b", "executor-agent/sample-app", agent(nodeB, nameServer, redis));
    processes.forEach(ServiceProcess::awaitHealthy);
  }

  @AfterAll
  static void stopPlatform() {
    processes.forEach(ServiceProcess::close);
  }

  @Test
  @Order(1)
  void agents_register_and_heartbeat_their_load_into_execution_service() throws Exception {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(onlineNodes()).containsExactlyInAnyOrder(nodeA, nodeB));
    JsonNode node = get(executions, "/api/v1/nodes/" + nodeA);
    assertThat(node.path("app").asText()).isEqualTo(APP);
    assertThat(node.path("capacity").asInt()).isPositive();
    assertThat(node.path("heapUsedBytes").asLong()).isPositive();
    assertThat(node.path("port").asInt()).isEqualTo(agentA.port());
  }

  @Test
  @Order(2)
  void a_broadcast_job_runs_once_on_every_live_agent_and_is_recorded() {
    await().atMost(Duration.ofSeconds(60)).until(() -> onlineNodes().size() == 2);
    long jobId = createBroadcastJob("broadcast-both");

    // job-service reads the live agents from execution-service, refreshing every 2 s.
    JsonNode fired = triggerWhenAgentsKnown(jobId, 2);

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> assertThat(succeededOn(fired)).containsExactlyInAnyOrder(nodeA, nodeB));
  }

  @Test
  @Order(3)
  void an_agent_that_stops_leaves_the_registry_and_the_next_broadcast() throws Exception {
    agentB.close();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(get(executions, "/api/v1/nodes/" + nodeB).path("state").asText())
                    .isEqualTo("OFFLINE"));
    assertThat(onlineNodes()).containsExactly(nodeA);

    long jobId = createBroadcastJob("broadcast-one");
    JsonNode fired = triggerWhenAgentsKnown(jobId, 1);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(succeededOn(fired)).containsExactly(nodeA));
  }

  // ---- helpers

  private static ServiceProcess start(String name, String module, List<String> args) {
    ServiceProcess process = ServiceProcess.start(name, module, FreePorts.any(), args);
    processes.add(process);
    return process;
  }

  private static List<String> agent(String nodeId, String nameServer, RedisEndpoint redis) {
    return List.of(
        "--scheduler.agent.node-id=" + nodeId,
        "--scheduler.agent.name-server=" + nameServer,
        "--scheduler.agent.redis.url=redis://" + redis.host() + ":" + redis.port(),
        "--scheduler.agent.registry.url=http://127.0.0.1:" + executions.port(),
        "--scheduler.agent.registry.token=" + TOKEN);
  }

  private static List<String> datasource(TestDatabase db) {
    return List.of(
        "--spring.datasource.url=" + db.jdbcUrl(),
        "--spring.datasource.username=" + db.username(),
        "--spring.datasource.password=" + db.password());
  }

  private static List<String> with(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return all;
  }

  /** The nodes that ran the executions a trigger answered with, each asserted SUCCEEDED. */
  private static List<String> succeededOn(JsonNode fired) throws IOException, InterruptedException {
    List<String> nodes = new ArrayList<>();
    for (JsonNode id : fired.path("executionIds")) {
      JsonNode execution = get(executions, "/api/v1/executions/" + id.asText());
      assertThat(execution.path("status").asText()).as(id.asText()).isEqualTo("SUCCEEDED");
      nodes.add(execution.path("nodeId").asText());
    }
    return nodes;
  }

  private static List<String> onlineNodes() throws IOException, InterruptedException {
    List<String> online = new ArrayList<>();
    for (JsonNode node :
        get(executions, "/api/v1/nodes?app=" + APP + "&state=ONLINE").path("items")) {
      online.add(node.path("nodeId").asText());
    }
    return online;
  }

  private static long createBroadcastJob(String name) {
    String body =
        """
        {"app": "%s", "name": "%s-%s", "jobType": "BEAN", "handler": "quick",
         "broadcast": true, "schedule": {"type": "CRON", "cron": "0 0 3 * * ?", "timeZone": "UTC"}}
        """
            .formatted(APP, name, UUID.randomUUID().toString().substring(0, 8));
    JsonNode job = send(jobs, "POST", "/api/v1/jobs", body, 201);
    return job.path("id").asLong();
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
              HttpResponse<String> response =
                  HTTP.send(
                      request(jobs, "/api/v1/jobs/" + jobId + "/trigger")
                          .POST(HttpRequest.BodyPublishers.noBody())
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              if (response.statusCode() != 202) {
                return false;
              }
              fired[0] = JSON.readTree(response.body());
              return fired[0].path("executionIds").size() == agents;
            });
    return fired[0];
  }

  private static JsonNode get(ServiceProcess service, String path)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(request(service, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static JsonNode send(
      ServiceProcess service, String method, String path, String body, int expected) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              request(service, path)
                  .header("Content-Type", "application/json")
                  .method(method, HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode())
          .as("%s %s: %s", method, path, response.body())
          .isEqualTo(expected);
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpRequest.Builder request(ServiceProcess service, String path) {
    return HttpRequest.newBuilder(URI.create(service.url(path))).timeout(Duration.ofSeconds(10));
  }
}
