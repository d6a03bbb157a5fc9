package dev.scheduler.e2e;

import static dev.scheduler.e2e.RunClock.at;
import static dev.scheduler.e2e.RunClock.pause;
import static dev.scheduler.e2e.RunClock.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.Ids;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.FreePorts;
import dev.scheduler.testkit.RedisEndpoint;
import dev.scheduler.testkit.TestDatabase;
import dev.scheduler.testkit.TestDatabases;
import dev.scheduler.testkit.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The guarantees under failure: jobs due every second (single and 4-shard) run in two agents while
 * each component is killed with SIGKILL and started again in turn — one job-service replica while
 * the other runs, execution-service, monitor-service, an agent while the other runs, then the other
 * job-service replica. Afterwards, for every fire due in the window: an execution record per shard
 * (nothing lost), each in a final state, each run counted exactly once in the agents' own tally
 * files (nothing run twice, nothing recorded that did not run); and how long the killed agent's
 * work took to run elsewhere. Run with {@code ./mvnw -pl e2e-tests -am verify -Pchaos}.
 */
@Tag("chaos")
class ChaosTest {

  /**
   * An app of its own: its agents' consumer group is not the one of the other tests' agents, so no
   * fire of this run can reach them (the tests of this module share one broker).
   */
  private static final String APP = "chaos-app";

  private static final int SINGLE_JOBS = 80;
  private static final int SHARDED_JOBS = 5;
  private static final int SHARDS = 4;

  /** How long a run of the tally job works. */
  private static final int WORK_MS = 200;

  /**
   * Jobs whose runs work long enough that the agent is killed in the middle of one: due every
   * {@value #LONG_EVERY_S} s, 2 shards, {@value #LONG_WORK_MS} ms of work. (The others are due on
   * the whole second and run 200 ms, so a kill at a given moment may find the agent idle.)
   */
  private static final int LONG_JOBS = 4;

  private static final int LONG_SHARDS = 2;
  private static final int LONG_WORK_MS = 3_000;

  /**
   * Longer than the failover takes plus the work: the run failed over must not wait (block strategy
   * SERIAL) behind the shard's next fire on the surviving agent, as it did when due every 5 s.
   */
  private static final int LONG_EVERY_S = 15;

  /** At least this long, so that the window holds more than 10,000 fires. */
  private static final Duration MIN_WINDOW = Duration.ofSeconds(130);

  private static final Set<String> FINAL =
      Set.of("SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED", "REJECTED");

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String token = AppCredentials.of(APP);
  private final Path tallies = Path.of("target", "chaos-" + run);
  private final List<ServiceProcess> processes = new ArrayList<>();
  private final List<String> timeline = new ArrayList<>();
  private EmbeddedRocketMq broker;

  @Test
  void no_fire_is_lost_and_no_shard_runs_twice_while_each_component_is_killed_in_turn()
      throws Exception {
    Files.createDirectories(tallies);
    broker = EmbeddedRocketMq.start(); // fires it leaves behind must not reach later tests
    String nameServer = broker.nameServerAddress();
    RedisEndpoint redis = TestRedis.endpoint();
    TestDatabase executionDb = TestDatabases.create("chaos_exec");
    TestDatabase jobDb = TestDatabases.create("chaos_job");
    TestDatabase monitorDb = TestDatabases.create("chaos_mon");
    int executionsPort = FreePorts.any();
    int jobsPortA = FreePorts.any();
    int jobsPortB = FreePorts.any();
    int monitorPort = FreePorts.any();
    String cluster = "chaos-" + run;
    RunProcess execution =
        new RunProcess(
            "execution-service",
            "execution-service",
            executionsPort,
            ProcessArgs.executionService(executionDb, nameServer, token),
            processes::add);
    RunProcess jobA =
        new RunProcess(
            "job-service-a",
            "job-service",
            jobsPortA,
            ProcessArgs.jobService(jobDb, nameServer, redis, cluster, executionsPort),
            processes::add);
    RunProcess jobB =
        new RunProcess(
            "job-service-b",
            "job-service",
            jobsPortB,
            ProcessArgs.jobService(jobDb, nameServer, redis, cluster, executionsPort),
            processes::add);
    RunProcess monitor =
        new RunProcess(
            "monitor-service",
            "monitor-service",
            monitorPort,
            ProcessArgs.monitorService(monitorDb, nameServer, jobsPortB, executionsPort),
            processes::add);
    RunProcess agent0 = agent(0, "a", nameServer, executionsPort);
    RunProcess agent1 = agent(1, "a", nameServer, executionsPort);
    try {
      List<RunProcess> all = List.of(execution, jobA, jobB, monitor, agent0, agent1);
      all.forEach(RunProcess::start);
      all.forEach(c -> c.process.awaitHealthy());
      GatewayClient execApi = GatewayClient.service(execution.process.url(""), "execution-service");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  execApi.get("/api/v1/nodes?app=" + APP + "&state=ONLINE").path("items").size()
                      >= 2);
      List<Long> singleJobs = new ArrayList<>();
      List<Long> shardedJobs = new ArrayList<>();
      List<Long> longJobs = new ArrayList<>();
      GatewayClient jobs = GatewayClient.service(jobB.process.url(""), "job-service");
      for (int i = 0; i < SINGLE_JOBS + SHARDED_JOBS; i++) {
        boolean sharded = i >= SINGLE_JOBS;
        String json = jobJson(i, sharded ? SHARDS : 1, WORK_MS, "* * * * * ?");
        (sharded ? shardedJobs : singleJobs)
            .add(jobs.post("/api/v1/jobs", json, 201).path("id").asLong());
      }
      for (int i = 0; i < LONG_JOBS; i++) {
        String json =
            jobJson(1000 + i, LONG_SHARDS, LONG_WORK_MS, "*/" + LONG_EVERY_S + " * * * * ?");
        longJobs.add(jobs.post("/api/v1/jobs", json, 201).path("id").asLong());
      }
      Instant from = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.SECONDS);
      waitUntil(from.plusSeconds(10));

      // Each component in turn: SIGKILL, a pause, started again, ready before the next one.
      killAndRestart(jobA, Duration.ofSeconds(5), from);
      pause(Duration.ofSeconds(15));
      killAndRestart(execution, Duration.ofSeconds(5), from);
      pause(Duration.ofSeconds(15));
      killAndRestart(monitor, Duration.ofSeconds(5), from);
      pause(Duration.ofSeconds(15));
      // Killed while it runs a long job's shard, so that there is work of it to fail over.
      String killedNode = agent0.nodeId;
      Set<String> caughtRunning = new HashSet<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> caughtRunning.addAll(runningJustStarted(executionDb, killedNode, longJobs)));
      // Between 600 and 900 ms into a second: the jobs due on the whole second run 200 ms and
      // have reported by then. A kill in the few milliseconds between a run's side effect (its
      // tally line) and its report reaching the broker makes that run repeat as the next attempt:
      // no scheduler can tell a run that did its work but died before saying so from one that
      // did not (see docs/reliability.md); this test is about everything else.
      waitUntil(quietMomentAfter(Instant.now()));
      Instant agentKilled = Instant.now();
      kill(agent0, from);
      timeline.add("  it was running " + caughtRunning);
      pause(Duration.ofSeconds(20));
      agent0 = agent(0, "b", nameServer, executionsPort);
      agent0.start();
      agent0.process.awaitHealthy();
      timeline.add(at(from) + " " + agent0.name + " started again as node " + agent0.nodeId);
      pause(Duration.ofSeconds(10));
      killAndRestart(jobB, Duration.ofSeconds(5), from);
      pause(Duration.ofSeconds(10));
      Instant to = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      if (to.isBefore(from.plus(MIN_WINDOW))) {
        to = from.plus(MIN_WINDOW);
        waitUntil(to);
      }
      long seconds = Duration.between(from, to).toSeconds();
      long fires =
          seconds * (SINGLE_JOBS + SHARDED_JOBS) + longDueTimes(from, to).size() * (long) LONG_JOBS;
      Set<String> expected = expectedExecutions(singleJobs, shardedJobs, longJobs, from, to);

      // Everything due in the window recorded and ended.
      Instant finalFrom = from;
      Instant finalTo = to;
      List<ExecutionRecords.Row> rows =
          ExecutionRecords.awaitEnded(
              executionDb, APP, from, to, expected.size(), FINAL, Duration.ofMinutes(3));
      Map<String, List<String>> runs = TallyFiles.runs(tallies, finalFrom, finalTo);
      Report report =
          Report.of(
              expected,
              rows,
              runs,
              new Kill(killedNode, agentKilled, caughtRunning),
              fires,
              seconds,
              timeline);
      report.print();
      if (!report.missing.isEmpty() || !report.notFinal.isEmpty()) {
        processes.stream().filter(ServiceProcess::alive).forEach(ServiceProcess::dumpThreads);
      }

      assertThat(report.missing).as("fires due with no execution record").isEmpty();
      assertThat(report.notFinal).as("executions not in a final state").isEmpty();
      assertThat(report.byStatus).as("outcomes").containsOnlyKeys("SUCCEEDED");
      assertThat(report.ranTwice).as("executions run more than once").isEmpty();
      assertThat(report.succeededNotRun).as("recorded SUCCEEDED, never counted").isEmpty();
      assertThat(report.ranNotRecorded).as("counted, not recorded as SUCCEEDED").isEmpty();
      assertThat(report.caughtNotRunElsewhere)
          .as("work running on the killed agent that did not end SUCCEEDED on another agent")
          .isEmpty();
      assertThat(fires).isGreaterThanOrEqualTo(10_000);
    } finally {
      drainAndStop(executionDb, jobA, jobB);
    }
  }

  /**
   * Stops firing first, lets the agents finish and execution-service record what is under way, then
   * stops the rest: the tests of this module share one broker, and events left in it would reach
   * the next test's execution-service (its consumer group is the same).
   */
  private void drainAndStop(TestDatabase executionDb, RunProcess... schedulers) {
    for (RunProcess scheduler : schedulers) {
      if (scheduler.process != null) {
        scheduler.process.close();
      }
    }
    try {
      long[] last = {-1};
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () -> {
                long open = openExecutions(executionDb);
                long all = allExecutions(executionDb);
                boolean settled = open == 0 && all == last[0];
                last[0] = all;
                return settled;
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      System.out.println("chaos run: executions still open when stopping: " + e.getMessage());
    } finally {
      processes.forEach(ServiceProcess::close);
      broker.close();
    }
  }

  private static long openExecutions(TestDatabase db) throws SQLException {
    return count(
        db,
        "SELECT COUNT(*) FROM scheduler_job_execution WHERE status NOT IN ('SUCCEEDED', 'FAILED',"
            + " 'TIMED_OUT', 'CANCELLED', 'REJECTED')");
  }

  private static long allExecutions(TestDatabase db) throws SQLException {
    return count(db, "SELECT COUNT(*) FROM scheduler_job_execution");
  }

  private static long count(TestDatabase db, String sql) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getLong(1);
    }
  }

  private RunProcess agent(int index, String generation, String nameServer, int executionsPort) {
    String nodeId = "chaos-" + index + generation + "-" + run;
    RunProcess agent =
        new RunProcess(
            "chaos-agent-" + index + generation,
            "executor-agent/sample-app",
            FreePorts.any(),
            ProcessArgs.with(
                ProcessArgs.agent(nodeId, nameServer, executionsPort, token),
                "--scheduler.agent.app=" + APP,
                "--scheduler.agent.capacity=32",
                "--sample.tally-file=" + tallies.resolve(nodeId + ".tally").toAbsolutePath()),
            processes::add);
    agent.nodeId = nodeId;
    return agent;
  }

  private static String jobJson(int i, int shards, int workMs, String cron) {
    return """
        {"app": "%s", "name": "chaos-%d", "jobType": "BEAN", "handler": "tally", "params": "%d",
         "shardCount": %d, "schedule": {"type": "CRON", "cron": "%s", "timeZone": "UTC"}}
        """
        .formatted(APP, i, workMs, shards, cron);
  }

  /**
   * Long jobs' executions that {@code node} started less than a second ago, as execution-service
   * recorded them: with over two seconds of work left, they still run when the kill lands even if
   * the record came late.
   */
  private static List<String> runningJustStarted(TestDatabase db, String node, List<Long> jobs)
      throws SQLException {
    Instant recent = Instant.now().minusSeconds(1);
    return ExecutionRecords.runningOn(db, node).stream()
        .filter(r -> jobs.contains(Ids.parseExecutionId(r.executionId()).jobId()))
        .filter(r -> r.started() != null && r.started().isAfter(recent))
        .map(ExecutionRecords.Row::executionId)
        .toList();
  }

  /** The due times of the long jobs in [{@code from}, {@code to}). */
  private static List<Instant> longDueTimes(Instant from, Instant to) {
    List<Instant> due = new ArrayList<>();
    for (Instant t = from; t.isBefore(to); t = t.plusSeconds(1)) {
      if (t.getEpochSecond() % LONG_EVERY_S == 0) {
        due.add(t);
      }
    }
    return due;
  }

  /** The next moment 600 ms into a second, at least 0 ms from {@code now}. */
  private static Instant quietMomentAfter(Instant now) {
    Instant quiet = now.truncatedTo(ChronoUnit.SECONDS).plusMillis(600);
    return quiet.isBefore(now) ? quiet.plusSeconds(1) : quiet;
  }

  private void kill(RunProcess component, Instant from) {
    component.process.kill();
    timeline.add(at(from) + " " + component.name + " killed (SIGKILL)");
  }

  private void killAndRestart(RunProcess component, Duration down, Instant from) {
    kill(component, from);
    pause(down);
    component.start();
    component.process.awaitHealthy();
    timeline.add(at(from) + " " + component.name + " ready again");
  }

  /** The execution ids the window's fires must have: {@code <jobId>-<due ms>-<shard>}. */
  private static Set<String> expectedExecutions(
      List<Long> singleJobs,
      List<Long> shardedJobs,
      List<Long> longJobs,
      Instant from,
      Instant to) {
    Set<String> ids = new HashSet<>();
    for (Instant due = from; due.isBefore(to); due = due.plusSeconds(1)) {
      addShards(ids, singleJobs, 1, due);
      addShards(ids, shardedJobs, SHARDS, due);
    }
    for (Instant due : longDueTimes(from, to)) {
      addShards(ids, longJobs, LONG_SHARDS, due);
    }
    return ids;
  }

  private static void addShards(Set<String> ids, List<Long> jobs, int shards, Instant due) {
    for (long job : jobs) {
      for (int shard = 0; shard < shards; shard++) {
        ids.add(Ids.executionId(Ids.fireId(job, due), shard));
      }
    }
  }

  /**
   * The agent kill: which node, when, and the executions it was seen running just before.
   *
   * @param node the killed agent's node id
   * @param at when it was killed
   * @param caughtRunning executions recorded RUNNING on it just before
   */
  record Kill(String node, Instant at, Set<String> caughtRunning) {}

  /** What the checks found, printed before they are asserted. */
  record Report(
      long fires,
      long seconds,
      int expected,
      Set<String> missing,
      List<String> notFinal,
      Map<String, Integer> byStatus,
      Map<String, Integer> byTrigger,
      List<String> ranTwice,
      List<String> succeededNotRun,
      List<String> ranNotRecorded,
      List<Long> failoverMs,
      List<Long> caughtFailoverMs,
      List<String> caughtNotRunElsewhere,
      long maxPublishDelayMs,
      List<String> timeline) {

    static Report of(
        Set<String> expected,
        List<ExecutionRecords.Row> rows,
        Map<String, List<String>> runs,
        Kill kill,
        long fires,
        long seconds,
        List<String> timeline) {
      Set<String> missing = new HashSet<>(expected);
      Map<String, Integer> byStatus = new TreeMap<>();
      Map<String, Integer> byTrigger = new TreeMap<>();
      List<String> notFinal = new ArrayList<>();
      List<String> succeededNotRun = new ArrayList<>();
      List<Long> failover = new ArrayList<>();
      List<Long> caughtMs = new ArrayList<>();
      long maxPublish = 0;
      for (ExecutionRecords.Row row : rows) {
        missing.remove(row.executionId());
        byStatus.merge(row.status(), 1, Integer::sum);
        byTrigger.merge(row.triggerType(), 1, Integer::sum);
        if (!FINAL.contains(row.status())) {
          notFinal.add(row.executionId() + " " + row.status());
        }
        if ("SUCCEEDED".equals(row.status()) && !runs.containsKey(row.executionId())) {
          succeededNotRun.add(row.executionId());
        }
        if (row.fired() != null) {
          maxPublish =
              Math.max(maxPublish, Duration.between(row.scheduled(), row.fired()).toMillis());
        }
        // The killed agent's work: due before the kill, run after it on another agent.
        if (row.started() != null
            && row.scheduled().isBefore(kill.at())
            && row.started().isAfter(kill.at())
            && !kill.node().equals(row.nodeId())) {
          failover.add(Duration.between(kill.at(), row.started()).toMillis());
        }
      }
      Set<String> recordedSucceeded = new HashSet<>();
      rows.stream()
          .filter(r -> "SUCCEEDED".equals(r.status()))
          .forEach(r -> recordedSucceeded.add(r.executionId()));
      List<String> ranTwice =
          runs.entrySet().stream()
              .filter(e -> e.getValue().size() > 1)
              .map(e -> e.getKey() + " " + e.getValue())
              .toList();
      List<String> ranNotRecorded =
          runs.keySet().stream().filter(id -> !recordedSucceeded.contains(id)).toList();
      List<String> caughtNotRunElsewhere = new ArrayList<>(kill.caughtRunning());
      for (ExecutionRecords.Row row : rows) {
        if (kill.caughtRunning().contains(row.executionId())
            && "SUCCEEDED".equals(row.status())
            && !kill.node().equals(row.nodeId())) {
          caughtNotRunElsewhere.remove(row.executionId());
          caughtMs.add(Duration.between(kill.at(), row.started()).toMillis());
        }
      }
      return new Report(
          fires,
          seconds,
          expected.size(),
          missing,
          notFinal,
          byStatus,
          byTrigger,
          ranTwice,
          succeededNotRun,
          ranNotRecorded,
          failover.stream().sorted().toList(),
          caughtMs.stream().sorted().toList(),
          caughtNotRunElsewhere,
          maxPublish,
          timeline);
    }

    void print() {
      System.out.println(
          "chaos run: "
              + seconds
              + " s window, "
              + fires
              + " fires, "
              + expected
              + " executions due");
      timeline.forEach(line -> System.out.println("  " + line));
      System.out.println("| measure | value |");
      System.out.println("|---|---|");
      System.out.println(
          "| fires due (executions with shards) | " + fires + " (" + expected + ") |");
      System.out.println("| executions with no record | " + missing.size() + " |");
      System.out.println("| not in a final state | " + notFinal.size() + " |");
      System.out.println("| outcomes | " + byStatus + " |");
      System.out.println("| what made the last attempt run | " + byTrigger + " |");
      System.out.println("| run more than once (agents' tally) | " + ranTwice.size() + " |");
      System.out.println(
          "| recorded SUCCEEDED, not counted by an agent | " + succeededNotRun.size() + " |");
      System.out.println(
          "| counted by an agent, not recorded SUCCEEDED | " + ranNotRecorded.size() + " |");
      System.out.println("| longest due-to-published delay ms | " + maxPublishDelayMs + " |");
      System.out.println(
          "| killed agent's work run elsewhere: executions, after the kill p50 / max ms | "
              + failoverMs.size()
              + ", "
              + p50AndMax(failoverMs)
              + " |");
      System.out.println(
          "| of which caught running at the kill: executions, run again after p50 / max ms | "
              + caughtFailoverMs.size()
              + " of "
              + (caughtFailoverMs.size() + caughtNotRunElsewhere.size())
              + ", "
              + p50AndMax(caughtFailoverMs)
              + " |");
      missing.stream().limit(10).forEach(id -> System.out.println("  missing " + id));
      notFinal.stream().limit(10).forEach(id -> System.out.println("  not final " + id));
      ranTwice.stream().limit(10).forEach(id -> System.out.println("  ran twice " + id));
    }
  }

  /** "p50 / max" of sorted {@code values}, "–" when there are none. */
  private static String p50AndMax(List<Long> values) {
    return values.isEmpty()
        ? "–"
        : values.get(values.size() / 2) + " / " + values.get(values.size() - 1);
  }
}
