package dev.scheduler.e2e;

import dev.scheduler.contracts.Ids;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.FreePorts;
import dev.scheduler.testkit.RedisEndpoint;
import dev.scheduler.testkit.TestDatabase;
import dev.scheduler.testkit.TestDatabases;
import dev.scheduler.testkit.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * End-to-end speed: jobs due every second fire in job-service, run in the sample app's agents and
 * are recorded by execution-service, each a process of its own on this machine with MariaDB, Redis
 * and the broker (in this JVM). The offered rate rises step by step; each step counts, from
 * execution-service's records, the executions due in a 20 s window that ended SUCCEEDED within 10 s
 * after it, and their fire-to-start delay (start on the agent − due time). Prints a table and each
 * process's resident memory; asserts nothing. Run with {@code ./mvnw -pl e2e-tests -am verify
 * -Pbench -Dtest=EndToEndThroughputBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}; {@code
 * -Dbench.e2e.rates=250,500} picks the steps, {@code -Dbench.e2e.agents=2} the agents, {@code
 * -Dbench.e2e.pattern=spread} (default) or {@code aligned} how the due times fall in the second.
 */
@Tag("benchmark")
class EndToEndThroughputBenchmarkTest {

  private static final Duration WINDOW = Duration.ofSeconds(20);
  private static final Duration SETTLE = Duration.ofSeconds(10);
  private static final String APP = "sample-app";

  /**
   * The processes run in the test suite's quick-start JVM unless {@code
   * -Dbench.e2e.jvm=production}: five JVMs compiling with C2 at once on 2 cores fell far behind
   * within the benchmark's minutes (see docs/benchmarks.md).
   */
  private static final List<String> JVM =
      ProcessArgs.with(
          "production".equals(System.getProperty("bench.e2e.jvm"))
              ? ServiceProcess.PRODUCTION_JVM
              : ServiceProcess.TEST_JVM,
          extraJvmOptions());

  private static final double GOLDEN = (Math.sqrt(5) - 1) / 2;

  @Test
  void executions_per_second_at_rising_load() throws Exception {
    EmbeddedRocketMq broker = EmbeddedRocketMq.start();
    String nameServer = broker.nameServerAddress();
    RedisEndpoint redis = TestRedis.endpoint();
    TestDatabase executionDb = TestDatabases.create("bench_e2e_exec");
    String run = UUID.randomUUID().toString().substring(0, 8);
    String token = AppCredentials.of(APP);
    int executionsPort = FreePorts.any();
    int jobsPort = FreePorts.any();
    List<ServiceProcess> processes = new ArrayList<>();
    processes.add(
        ServiceProcess.start(
            "execution-service",
            "execution-service",
            executionsPort,
            JVM,
            ProcessArgs.executionService(executionDb, nameServer, token)));
    TestDatabase jobDb = TestDatabases.create("bench_e2e_job");
    processes.add(
        ServiceProcess.start(
            "job-service",
            "job-service",
            jobsPort,
            JVM,
            ProcessArgs.jobService(jobDb, nameServer, redis, "bench-e2e-" + run, executionsPort)));
    int agents = Integer.getInteger("bench.e2e.agents", 2);
    for (int a = 0; a < agents; a++) {
      processes.add(
          ServiceProcess.start(
              "bench-agent-" + a,
              "executor-agent/sample-app",
              FreePorts.any(),
              JVM,
              ProcessArgs.with(
                  ProcessArgs.agent("bench-" + a + "-" + run, nameServer, executionsPort, token),
                  "--scheduler.agent.capacity=" + Integer.getInteger("bench.e2e.capacity", 32))));
    }
    try {
      processes.forEach(ServiceProcess::awaitHealthy);
      GatewayClient jobs = GatewayClient.service("http://127.0.0.1:" + jobsPort, "job-service");
      String pattern = System.getProperty("bench.e2e.pattern", "spread");
      System.out.println("due times: " + pattern);
      List<String> rows = new ArrayList<>();
      rows.add("| at rest | – | – | – | – | – | – | " + memory(processes) + " |");
      int defined = 0;
      List<Integer> steps = new ArrayList<>(rates());
      steps.add(0, steps.get(0)); // the first step once more before, to warm the JVMs up
      for (int step = 0; step < steps.size(); step++) {
        int rate = steps.get(step);
        // The new jobs' first fires fall in the second after base; the window starts after it.
        Instant base = Instant.now().plusSeconds(10).truncatedTo(ChronoUnit.SECONDS);
        defined += createJobs(jobs, run, pattern, base, defined, rate - defined);
        Instant from = base.plusSeconds(2);
        Instant to = from.plus(WINDOW);
        waitUntil(from);
        Cpu before = Cpu.now(processes);
        waitUntil(to);
        String cpu = before.usedUntil(Cpu.now(processes));
        waitUntil(to.plus(SETTLE));
        rows.add(
            row(rate, step == 0 ? " (warm-up)" : "", executionDb, from, to)
                + " "
                + cpu
                + " | "
                + memory(processes)
                + " |");
        System.out.println(rows.get(rows.size() - 1));
      }
      System.out.println();
      System.out.println(
          "| offered fires/s | succeeded per second | not succeeded in time | fire-to-start p50 /"
              + " p99 ms | of which due-to-published p50 / p99 ms | and published-to-start p50 / p99"
              + " ms | CPU: machine busy, cores used by (these processes, benchmark JVM with the"
              + " broker, MariaDB, Redis) | resident MiB ("
              + String.join(", ", processes.stream().map(ServiceProcess::name).toList())
              + ") |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      rows.forEach(System.out::println);
    } finally {
      processes.forEach(ServiceProcess::close);
      broker.close();
    }
  }

  /**
   * {@code -Dbench.e2e.jvmOptions="-Xlog:gc:file=gc-%p.log"} adds options to every process's JVM,
   * e.g. to log its collections.
   */
  private static String[] extraJvmOptions() {
    String options = System.getProperty("bench.e2e.jvmOptions", "").trim();
    return options.isEmpty() ? new String[0] : options.split("\\s+");
  }

  private static List<Integer> rates() {
    return Arrays.stream(System.getProperty("bench.e2e.rates", "250,500,1000,1500").split(","))
        .map(String::trim)
        .map(Integer::valueOf)
        .toList();
  }

  /**
   * Defines {@code count} more jobs due every second, 8 requests at a time. {@code aligned}: cron
   * jobs, all due on the whole second (a burst each second); {@code spread}: fixed-rate jobs whose
   * due times are spread over the second (job i at the fractional part of i times the golden ratio,
   * so that every prefix of the jobs is spread evenly too): a steady stream.
   */
  private static int createJobs(
      GatewayClient jobs, String run, String pattern, Instant base, int first, int count)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = first; i < first + count; i++) {
        String schedule =
            switch (pattern) {
              case "aligned" ->
                  "{\"type\": \"CRON\", \"cron\": \"* * * * * ?\", \"timeZone\": \"UTC\"}";
              case "spread" ->
                  "{\"type\": \"FIXED_RATE\", \"fixedRate\": \"PT1S\", \"startAt\": \""
                      + base.plusMillis((long) (((i * GOLDEN) % 1.0) * 1000))
                      + "\"}";
              default ->
                  throw new IllegalArgumentException(
                      "bench.e2e.pattern must be aligned or spread, not " + pattern);
            };
        String body =
            """
            {"app": "%s", "name": "bench-%s-%d", "jobType": "BEAN", "handler": "quick",
             "schedule": %s}
            """
                .formatted(APP, run, i, schedule);
        done.add(pool.submit(() -> jobs.post("/api/v1/jobs", body, 201)));
      }
      for (Future<?> f : done) {
        f.get();
      }
      return count;
    } finally {
      pool.shutdown();
    }
  }

  /** One step's figures from execution-service's records of the executions due in the window. */
  private static String row(int rate, String label, TestDatabase db, Instant from, Instant to)
      throws Exception {
    Map<String, Integer> byStatus = new TreeMap<>();
    List<Long> startDelays = new ArrayList<>();
    List<Long> publishDelays = new ArrayList<>();
    List<Long> deliveryDelays = new ArrayList<>();
    // Publishes later than 100 ms, by the second they were due in and job-service's partition
    // (job id modulo its 4 partitions): a stall of one partition shows as one cell.
    Map<String, Integer> late = new TreeMap<>();
    for (ExecutionRecords.Row row : ExecutionRecords.dueIn(db, APP, from, to)) {
      byStatus.merge(row.status(), 1, Integer::sum);
      if (row.fired() != null && Duration.between(row.scheduled(), row.fired()).toMillis() > 100) {
        long jobId = Ids.parseExecutionId(row.executionId()).jobId();
        late.merge(
            row.scheduled().truncatedTo(ChronoUnit.SECONDS)
                + " partition "
                + Math.floorMod(jobId, 4),
            1,
            Integer::sum);
      }
      if (row.started() != null) {
        startDelays.add(Duration.between(row.scheduled(), row.started()).toMillis());
      }
      if (row.fired() != null) {
        publishDelays.add(Duration.between(row.scheduled(), row.fired()).toMillis());
      }
      if (row.fired() != null && row.started() != null) {
        deliveryDelays.add(Duration.between(row.fired(), row.started()).toMillis());
      }
    }
    if (!late.isEmpty()) {
      System.out.println(
          rate + label + ": published more than 100 ms late, by due second: " + late);
    }
    long offered = (long) rate * WINDOW.toSeconds();
    int succeeded = byStatus.getOrDefault("SUCCEEDED", 0);
    Map<String, Integer> others = new TreeMap<>(byStatus);
    others.remove("SUCCEEDED");
    long unrecorded = offered - byStatus.values().stream().mapToLong(Integer::longValue).sum();
    return String.format(
        "| %d%s | %.0f | %s | %s | %s | %s |",
        rate,
        label,
        succeeded / (double) WINDOW.toSeconds(),
        (offered - succeeded)
            + (others.isEmpty() && unrecorded == 0
                ? ""
                : " " + others + (unrecorded > 0 ? " unrecorded " + unrecorded : "")),
        ExecutionRecords.percentiles(startDelays),
        ExecutionRecords.percentiles(publishDelays),
        ExecutionRecords.percentiles(deliveryDelays));
  }

  /** The local servers' command names, whose CPU the steps report beside the processes'. */
  private static final Set<String> DATABASE = Set.of("mariadbd", "mysqld");

  private static final Set<String> REDIS = Set.of("redis-server");

  /**
   * CPU time of the machine, of each process, of this JVM (with the broker) and of the local
   * database and Redis servers (-1 when they run elsewhere) at one moment.
   */
  private record Cpu(
      long at, long[] machine, List<Long> processes, long self, long database, long redis) {

    static Cpu now(List<ServiceProcess> processes) {
      return new Cpu(
          System.nanoTime(),
          CpuTime.ofMachine(),
          processes.stream().map(ServiceProcess::cpuMillis).toList(),
          CpuTime.ofThisProcess(),
          CpuTime.ofCommand(DATABASE),
          CpuTime.ofCommand(REDIS));
    }

    /** "busy %, cores used by each process" between this moment and {@code later}. */
    String usedUntil(Cpu later) {
      double wallMs = (later.at - at) / 1e6;
      List<String> cores = new ArrayList<>();
      for (int i = 0; i < processes.size(); i++) {
        cores.add(String.format("%.2f", (later.processes.get(i) - processes.get(i)) / wallMs));
      }
      cores.add(String.format("%.2f", (later.self - self) / wallMs));
      cores.add(database < 0 ? "–" : String.format("%.2f", (later.database - database) / wallMs));
      cores.add(redis < 0 ? "–" : String.format("%.2f", (later.redis - redis) / wallMs));
      long busy = later.machine[0] - machine[0];
      long total = later.machine[1] - machine[1];
      return String.format("%.0f %%; ", total > 0 ? 100.0 * busy / total : -1)
          + String.join(", ", cores);
    }
  }

  private static String memory(List<ServiceProcess> processes) {
    return String.join(", ", processes.stream().map(p -> Long.toString(p.residentMib())).toList());
  }

  /** Benchmarks measure wall-clock windows; this waits for the end of one. */
  private static void waitUntil(Instant until) throws InterruptedException {
    long millis = Duration.between(Instant.now(), until).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }
}
