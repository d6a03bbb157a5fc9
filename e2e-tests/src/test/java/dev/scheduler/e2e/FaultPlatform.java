package dev.scheduler.e2e;

import static dev.scheduler.e2e.RunClock.pause;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.FreePorts;
import dev.scheduler.testkit.TestDatabases;
import dev.scheduler.testkit.TestRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A platform to hurt one agent at a time: execution-service, job-service and two sample agents,
 * each agent reaching execution-service through a TCP proxy of its own, and a job whose run works a
 * while, then writes a line to its agent's tally file (after checking its lease, with its fencing
 * token). A round triggers the job, hurts the agent running it — frozen (SIGSTOP), cut off, or
 * killed — for a while, lets it go on (or starts it again), and tells what happened.
 */
final class FaultPlatform implements AutoCloseable {

  /** What is done to the agent running the round's execution. */
  enum Fault {
    /** SIGSTOP, then SIGCONT: a long garbage collection or a frozen VM. */
    PAUSE,
    /** Its connections to execution-service cut and held, then let through again. */
    PARTITION,
    /** SIGKILL, then started again under the same node id. */
    KILL
  }

  /** An agent: its node id, its process (started again when killed), its proxy. */
  private record Agent(String node, RunProcess process, TcpProxy proxy) {}

  /**
   * What a round showed.
   *
   * @param fault what was done
   * @param length for how long
   * @param executionId the execution
   * @param holder the node that ran it when it was hurt
   * @param finalNode the node whose attempt ended it
   * @param attempts attempts it took
   * @param firstAttempt how the first attempt ended
   * @param failover from the fault to the start of the next attempt on the other node; null when it
   *     ended on the holder
   * @param tally the runs the agents counted, as "node attempt N token T"
   */
  record Round(
      Fault fault,
      Duration length,
      String executionId,
      String holder,
      String finalNode,
      int attempts,
      String firstAttempt,
      Duration failover,
      List<String> tally) {}

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String app;
  private final Path tallies;
  private final List<ServiceProcess> services = new ArrayList<>();
  private final Map<String, Agent> agents = new LinkedHashMap<>();
  private final GatewayClient executions;
  private final GatewayClient jobs;
  private final long jobId;
  private final EmbeddedRocketMq broker;

  /**
   * Starts it: the job's runs work {@code workMs}.
   *
   * @param label names the app, the processes and their databases
   */
  FaultPlatform(String label, int workMs) {
    this.app = label + "-app";
    this.tallies = Path.of("target", label + "-" + run);
    String token = AppCredentials.of(app);
    try {
      Files.createDirectories(tallies);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    broker = EmbeddedRocketMq.start(); // fires it leaves behind must not reach later tests
    String nameServer = broker.nameServerAddress();
    int executionsPort = FreePorts.any();
    int jobsPort = FreePorts.any();
    services.add(
        ServiceProcess.start(
            label + "-execution-service",
            "execution-service",
            executionsPort,
            ProcessArgs.executionService(
                TestDatabases.create(label + "_exec"), nameServer, token)));
    services.add(
        ServiceProcess.start(
            label + "-job-service",
            "job-service",
            jobsPort,
            ProcessArgs.jobService(
                TestDatabases.create(label + "_job"),
                nameServer,
                TestRedis.endpoint(),
                label + "-" + run,
                executionsPort)));
    for (String name : List.of("a", "b")) {
      String node = label + "-" + name + "-" + run;
      TcpProxy proxy = new TcpProxy(executionsPort);
      RunProcess process =
          new RunProcess(
              label + "-agent-" + name,
              "executor-agent/sample-app",
              FreePorts.any(),
              ProcessArgs.with(
                  ProcessArgs.agent(node, nameServer, proxy.port(), token),
                  "--scheduler.agent.app=" + app,
                  "--sample.tally-file=" + tallies.resolve(node + ".tally").toAbsolutePath()));
      process.start();
      agents.put(node, new Agent(node, process, proxy));
    }
    services.forEach(ServiceProcess::awaitHealthy);
    agents.values().forEach(a -> a.process().awaitHealthy());
    executions = GatewayClient.service("http://127.0.0.1:" + executionsPort, "execution-service");
    jobs = GatewayClient.service("http://127.0.0.1:" + jobsPort, "job-service");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                executions.get("/api/v1/nodes?app=" + app + "&state=ONLINE").path("items").size()
                    == 2);
    jobId =
        jobs.post(
                "/api/v1/jobs",
                """
                {"app": "%s", "name": "works-a-while", "jobType": "BEAN", "handler": "tally",
                 "params": "%d", "schedule": {"type": "API"}}
                """
                    .formatted(app, workMs),
                201)
            .path("id")
            .asLong();
  }

  /** Triggers the job, hurts the agent running it for {@code length}, and tells what happened. */
  Round round(Fault fault, Duration length) {
    String executionId =
        jobs.post("/api/v1/jobs/" + jobId + "/trigger", "{}", 202)
            .path("executionIds")
            .get(0)
            .asText();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "RUNNING".equals(execution(executionId).path("status").asText()));
    Agent holder = agents.get(execution(executionId).path("nodeId").asText());
    Agent other = agents.values().stream().filter(a -> a != holder).findFirst().orElseThrow();

    Instant faultAt = Instant.now();
    hurt(holder, fault);
    Duration failover = null;
    try {
      while (Instant.now().isBefore(faultAt.plus(length))) {
        JsonNode now = execution(executionId);
        if (failover == null && startedOn(now, other.node())) {
          failover = Duration.between(faultAt, Instant.parse(now.path("startedAt").asText()));
        }
        pause(Duration.ofMillis(200));
      }
    } finally {
      heal(holder, fault);
    }
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> "SUCCEEDED".equals(execution(executionId).path("status").asText()));
    JsonNode done = execution(executionId);
    if (failover == null && other.node().equals(done.path("nodeId").asText())) {
      failover = Duration.between(faultAt, Instant.parse(done.path("startedAt").asText()));
    }
    // The holder, going on, would finish now if it still believed it held the run.
    pause(Duration.ofSeconds(3));
    List<String> tally = tally(executionId);
    return new Round(
        fault,
        length,
        executionId,
        holder.node(),
        done.path("nodeId").asText(),
        done.path("attempt").asInt(),
        done.path("attempts").get(0).path("status").asText(),
        failover,
        tally);
  }

  private static void hurt(Agent agent, Fault fault) {
    switch (fault) {
      case PAUSE -> agent.process().process.pause();
      case PARTITION -> agent.proxy().cut();
      case KILL -> agent.process().process.kill();
    }
  }

  private static void heal(Agent agent, Fault fault) {
    switch (fault) {
      case PAUSE -> agent.process().process.resume();
      case PARTITION -> agent.proxy().heal();
      case KILL -> {
        agent.process().start();
        agent.process().awaitHealthy();
      }
    }
  }

  /** The execution as recorded; an empty node while it is not recorded yet. */
  JsonNode execution(String executionId) {
    GatewayClient.Answer answer =
        executions.exchange("GET", "/api/v1/executions/" + executionId, null);
    return answer.status() == 404 ? JsonNodeFactory.instance.objectNode() : answer.body();
  }

  /** The lines of an attempt's log, as execution-service returns them. */
  String log(String executionId, int attempt) {
    return executions
        .get("/api/v1/executions/" + executionId + "/log?attempt=" + attempt)
        .toString();
  }

  private List<String> tally(String executionId) {
    try {
      return TallyFiles.runs(tallies, Instant.EPOCH, Instant.now().plusSeconds(3600))
          .getOrDefault(executionId, List.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean startedOn(JsonNode execution, String node) {
    return execution.path("attempt").asInt() >= 2
        && node.equals(execution.path("nodeId").asText())
        && execution.hasNonNull("startedAt");
  }

  @Override
  public void close() {
    for (Agent agent : agents.values()) {
      if (agent.process().process.alive()) {
        agent.process().process.resume();
      }
      agent.proxy().close();
      agent.process().close();
    }
    services.forEach(ServiceProcess::close);
    broker.close();
  }
}
