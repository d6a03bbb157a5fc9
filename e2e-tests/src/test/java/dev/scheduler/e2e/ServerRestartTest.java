package dev.scheduler.e2e;

import static dev.scheduler.e2e.RunClock.at;
import static dev.scheduler.e2e.RunClock.pause;
import static dev.scheduler.e2e.RunClock.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.Ids;
import dev.scheduler.testkit.FreePorts;
import dev.scheduler.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.Test;

/**
 * Nothing lost and nothing run twice while every server restarts under steady load: jobs due every
 * second (100 here, 200 in the fault run) run in two sample agents while, in turn, MariaDB, Redis
 * (which comes back empty), the RocketMQ name server and broker, execution-service, job-service and
 * monitor-service are stopped and started again — servers this test started for itself, so that it
 * can. Afterwards, for every fire due in the window: an execution record, in a final state,
 * SUCCEEDED, and exactly one line in the agents' own tally files. The outages are shorter than the
 * misfire threshold (60 s), so no fire may be coalesced or skipped: each is run late, not lost.
 */
class ServerRestartTest {

  private static final String APP = "restart-app";

  /**
   * Jobs due every second: 100 in the build (2 shared cores run the whole suite, its servers and
   * the test: at 200 fires/s a service's restart alone takes a minute or two there), 200 or more in
   * the fault run ({@code -Drestart.jobs=200}, see {@code e2e-tests/fault-run.sh}).
   */
  private static final int JOBS = Integer.getInteger("restart.jobs", 100);

  private static final Set<String> FINAL =
      Set.of("SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED", "REJECTED");

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String token = AppCredentials.of(APP);
  private final Path home = Path.of("target", "restart-" + run);
  private final Path tallies = home.resolve("tallies");
  private final List<AutoCloseable> everything = new ArrayList<>();
  private final List<String> timeline = new ArrayList<>();

  @Test
  void no_fire_is_lost_or_run_twice_while_each_server_restarts() throws Exception {
    Files.createDirectories(tallies);
    OwnServers.MariaDb mariaDb = own(new OwnServers.MariaDb(home));
    OwnServers.Redis redis = own(new OwnServers.Redis());
    OwnServers.Broker broker = own(new OwnServers.Broker(home));
    TestDatabase executionDb = mariaDb.database("restart_exec");
    int executionsPort = FreePorts.any();
    int jobsPort = FreePorts.any();
    RunProcess execution =
        service(
            "restart-execution-service",
            "execution-service",
            executionsPort,
            ProcessArgs.executionService(executionDb, broker.nameServer(), token));
    RunProcess jobs =
        service(
            "restart-job-service",
            "job-service",
            jobsPort,
            ProcessArgs.with(
                ProcessArgs.jobService(
                    mariaDb.database("restart_job"),
                    broker.nameServer(),
                    redis.endpoint(),
                    "restart-" + run,
                    executionsPort),
                // job-service's own restart takes up to a minute on a loaded machine: with the
                // default threshold (60 s) the fires due meanwhile would be coalesced by the jobs'
                // misfire policy (FIRE_NOW), as they should; with this one they are all sent late,
                // so that each can be checked.
                "--scheduler.job.trigger.misfire-threshold=5m"));
    RunProcess monitor =
        service(
            "restart-monitor-service",
            "monitor-service",
            FreePorts.any(),
            ProcessArgs.monitorService(
                mariaDb.database("restart_mon"), broker.nameServer(), jobsPort, executionsPort));
    List<RunProcess> agents = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      String node = "restart-" + name + "-" + run;
      agents.add(
          service(
              "restart-agent-" + name,
              "executor-agent/sample-app",
              FreePorts.any(),
              ProcessArgs.with(
                  ProcessArgs.agent(node, broker.nameServer(), executionsPort, token),
                  "--scheduler.agent.app=" + APP,
                  "--scheduler.agent.capacity=32",
                  "--sample.tally-file=" + tallies.resolve(node + ".tally").toAbsolutePath())));
    }
    try {
      List<RunProcess> services = new ArrayList<>(List.of(execution, jobs, monitor));
      services.addAll(agents);
      services.forEach(RunProcess::start);
      services.forEach(RunProcess::awaitHealthy);
      GatewayClient executionApi =
          GatewayClient.service(execution.process.url(""), "execution-service");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  executionApi
                          .get("/api/v1/nodes?app=" + APP + "&state=ONLINE")
                          .path("items")
                          .size()
                      == 2);
      GatewayClient jobApi = GatewayClient.service(jobs.process.url(""), "job-service");
      List<Long> jobIds = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        jobIds.add(
            jobApi
                .post(
                    "/api/v1/jobs",
                    """
                    {"app": "%s", "name": "every-second-%d", "jobType": "BEAN", "handler": "tally",
                     "schedule": {"type": "CRON", "cron": "* * * * * ?", "timeZone": "UTC"}}
                    """
                        .formatted(APP, i),
                    201)
                .path("id")
                .asLong());
      }
      Instant from = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.SECONDS);
      waitUntil(from.plusSeconds(10));

      restart(from, mariaDb, Duration.ofSeconds(5));
      pause(Duration.ofSeconds(10));
      restart(from, redis, Duration.ofSeconds(3));
      pause(Duration.ofSeconds(5));
      restart(from, broker, Duration.ofSeconds(5));
      pause(Duration.ofSeconds(15));
      restart(from, execution);
      pause(Duration.ofSeconds(10));
      restart(from, jobs);
      pause(Duration.ofSeconds(10));
      restart(from, monitor);
      pause(Duration.ofSeconds(5));
      Instant to = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      timeline.add(at(from) + " window ends; job-service stops firing");
      jobs.process.close();

      Set<String> expected = new HashSet<>();
      for (Instant due = from; due.isBefore(to); due = due.plusSeconds(1)) {
        for (long job : jobIds) {
          expected.add(Ids.executionId(Ids.fireId(job, due), 0));
        }
      }
      List<ExecutionRecords.Row> rows =
          ExecutionRecords.awaitEnded(
              executionDb, APP, from, to, expected.size(), FINAL, Duration.ofMinutes(3));
      Map<String, List<String>> runs = TallyFiles.runs(tallies, from, to);
      Set<String> missing = new HashSet<>(expected);
      Map<String, Integer> byStatus = new TreeMap<>();
      List<String> succeededNotRun = new ArrayList<>();
      for (ExecutionRecords.Row row : rows) {
        missing.remove(row.executionId());
        byStatus.merge(row.status(), 1, Integer::sum);
        if ("SUCCEEDED".equals(row.status()) && !runs.containsKey(row.executionId())) {
          succeededNotRun.add(row.executionId());
        }
      }
      List<String> ranTwice =
          runs.entrySet().stream()
              .filter(e -> e.getValue().size() > 1)
              .map(e -> e.getKey() + " " + e.getValue())
              .toList();
      System.out.println(
          "server restarts: "
              + expected.size()
              + " executions due in "
              + Duration.between(from, to).toSeconds()
              + " s; recorded "
              + rows.size()
              + " "
              + byStatus
              + "; missing "
              + missing.size()
              + "; run twice "
              + ranTwice.size()
              + "; recorded SUCCEEDED but not run "
              + succeededNotRun.size()
              + "; runs counted "
              + runs.values().stream().mapToInt(List::size).sum());
      timeline.forEach(line -> System.out.println("  " + line));
      missing.stream().limit(10).forEach(id -> System.out.println("  missing " + id));
      ranTwice.stream().limit(10).forEach(id -> System.out.println("  ran twice " + id));

      assertThat(missing).as("fires due with no execution record").isEmpty();
      assertThat(byStatus).as("outcomes").containsOnlyKeys("SUCCEEDED");
      assertThat(ranTwice).as("executions run more than once (agents' tally)").isEmpty();
      assertThat(succeededNotRun).as("recorded SUCCEEDED, never counted").isEmpty();
      assertThat(runs.keySet()).as("counted, not recorded").isSubsetOf(expected);
    } finally {
      for (int i = everything.size() - 1; i >= 0; i--) {
        everything.get(i).close();
      }
    }
  }

  private <T extends AutoCloseable> T own(T server) {
    everything.add(server);
    if (server instanceof OwnServers.Restartable restartable) {
      restartable.start();
    }
    return server;
  }

  private void restart(Instant from, OwnServers.Restartable server, Duration down) {
    server.stop();
    timeline.add(at(from) + " " + server.name + " stopped");
    pause(down);
    server.start();
    timeline.add(at(from) + " " + server.name + " started again");
  }

  private void restart(Instant from, RunProcess service) {
    service.process.close();
    timeline.add(at(from) + " " + service.name + " stopped (SIGTERM)");
    service.start();
    service.awaitHealthy();
    timeline.add(at(from) + " " + service.name + " ready again");
  }

  private RunProcess service(String name, String module, int port, List<String> args) {
    RunProcess service = new RunProcess(name, module, port, args);
    everything.add(service);
    return service;
  }
}
