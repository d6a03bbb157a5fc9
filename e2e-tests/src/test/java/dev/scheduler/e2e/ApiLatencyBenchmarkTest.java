package dev.scheduler.e2e;

import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.FreePorts;
import dev.scheduler.testkit.RedisEndpoint;
import dev.scheduler.testkit.TestDatabases;
import dev.scheduler.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Latency of the public API through the gateway with many jobs defined: job-service and the gateway
 * as processes on MariaDB and Redis, {@code bench.api.jobs} (100,000) jobs created through the
 * gateway, then requests sent at a fixed rate for 30 s (open loop: each request's latency counts
 * from when it was due to be sent, so a slow answer delays none of the next ones and hides
 * nothing). The mix is what a console and automation send: a job by id (50 %), a page of the list
 * (20 %), a job's next fire times (15 %), a search by part of the name (5 %, a scan of the app's
 * jobs), a new job (10 %). Prints p50 / p99 / max per kind; asserts nothing. Run with {@code ./mvnw
 * -pl e2e-tests -am verify -Pbench -Dtest=ApiLatencyBenchmarkTest
 * -Dsurefire.failIfNoSpecifiedTests=false} ({@code -Dbench.api.rates=100,200}).
 */
@Tag("benchmark")
class ApiLatencyBenchmarkTest {

  private static final String APP = "sample-app";
  private static final Duration WINDOW = Duration.ofSeconds(30);

  @Test
  void api_latency_with_many_jobs() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    EmbeddedRocketMq broker = EmbeddedRocketMq.start();
    String nameServer = broker.nameServerAddress();
    RedisEndpoint redis = TestRedis.endpoint();
    int jobsPort = FreePorts.any();
    int gatewayPort = FreePorts.any();
    List<ServiceProcess> processes = new ArrayList<>();
    processes.add(
        ServiceProcess.start(
            "api-bench-job-service",
            "job-service",
            jobsPort,
            ProcessArgs.jobService(
                TestDatabases.create("bench_api_job"),
                nameServer,
                redis,
                "bench-api-" + run,
                FreePorts.any())));
    processes.add(
        ServiceProcess.start(
            "api-bench-gateway",
            "gateway",
            gatewayPort,
            ProcessArgs.gateway(
                redis, "bench-" + run + ":", 100_000, 100_000, Map.of("job-service", jobsPort))));
    try {
      processes.forEach(ServiceProcess::awaitHealthy);
      GatewayClient api =
          new GatewayClient("http://127.0.0.1:" + gatewayPort, "local-dev-admin-key");
      int jobs = Integer.getInteger("bench.api.jobs", 100_000);
      long started = System.nanoTime();
      List<Long> ids = create(api, run, jobs);
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(
          "%d jobs created through the gateway in %.0f s (%.0f per second, 16 clients)%n",
          jobs, seconds, jobs / seconds);
      String at = "after " + jobs + " jobs: resident MiB " + memory(processes);
      System.out.println(at);
      List<String> rows = new ArrayList<>();
      AtomicInteger created = new AtomicInteger(ids.size()); // new jobs get names not yet taken
      String[] rates = System.getProperty("bench.api.rates", "100,200").split(",");
      // The mix at the first rate once before the measured steps, printed apart: the list and
      // search paths were not used while the jobs were created, and their first calls compile.
      Duration warmUp = Duration.ofSeconds(Long.getLong("bench.api.warmup", 15));
      if (!warmUp.isZero()) {
        rows.addAll(
            fixedRate(api, run, ids, created, Integer.parseInt(rates[0].trim()), warmUp, true));
      }
      for (String rate : rates) {
        rows.addAll(
            fixedRate(api, run, ids, created, Integer.parseInt(rate.trim()), WINDOW, false));
      }
      System.out.println();
      System.out.println("| requests/s | request | count | p50 / p99 / max ms | errors |");
      System.out.println("|---|---|---|---|---|");
      rows.forEach(System.out::println);
      System.out.println("at the end: resident MiB " + memory(processes));
    } finally {
      processes.forEach(ServiceProcess::close);
      broker.close();
    }
  }

  /** Creates {@code count} jobs due once a year, 16 requests at a time; returns their ids. */
  private static List<Long> create(GatewayClient api, String run, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<Long>> created = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String body = job(run, i);
        created.add(pool.submit(() -> api.post("/api/v1/jobs", body, 201).path("id").asLong()));
      }
      List<Long> ids = new ArrayList<>(count);
      for (Future<Long> id : created) {
        ids.add(id.get());
      }
      return ids;
    } finally {
      pool.shutdown();
    }
  }

  private static String job(String run, int i) {
    return """
        {"app": "%s", "name": "report-%s-%06d", "jobType": "BEAN", "handler": "quick",
         "description": "nightly report %d", "tags": ["bench", "team-%d"],
         "schedule": {"type": "CRON", "cron": "0 %d 3 1 1 ?", "timeZone": "Europe/Berlin"}}
        """
        .formatted(APP, run, i, i, i % 50, i % 60);
  }

  /** Sends the request mix at {@code rate} per second for the window; one row per kind. */
  private static List<String> fixedRate(
      GatewayClient api,
      String run,
      List<Long> ids,
      AtomicInteger created,
      int rate,
      Duration window,
      boolean warmUp)
      throws Exception {
    Map<String, ConcurrentLinkedQueue<Long>> latencies = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    ExecutorService senders = Executors.newFixedThreadPool(64);
    long periodNanos = 1_000_000_000L / rate;
    long total = rate * window.toSeconds();
    long start = System.nanoTime() + 100_000_000L;
    for (long n = 0; n < total; n++) {
      long due = start + n * periodNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      senders.execute(
          () -> {
            Request request = Request.pick(run, ids, created);
            int status;
            try {
              status = api.exchange(request.method, request.path, request.body).status();
            } catch (RuntimeException e) {
              status = -1; // no answer within the client's timeout
            }
            long ms = (System.nanoTime() - due) / 1_000_000;
            latencies.computeIfAbsent(request.kind, k -> new ConcurrentLinkedQueue<>()).add(ms);
            if (status < 200 || status >= 400) {
              errors.computeIfAbsent(request.kind, k -> new AtomicInteger()).incrementAndGet();
            }
          });
    }
    senders.shutdown();
    senders.awaitTermination(2, TimeUnit.MINUTES);
    List<String> rows = new ArrayList<>();
    List<Long> all = new ArrayList<>();
    String step =
        warmUp ? rate + " (warm-up, " + window.toSeconds() + " s)" : Integer.toString(rate);
    for (Map.Entry<String, ConcurrentLinkedQueue<Long>> kind :
        new TreeMap<>(latencies).entrySet()) {
      all.addAll(kind.getValue());
      rows.add(
          row(step, kind.getKey(), new ArrayList<>(kind.getValue()), errors.get(kind.getKey())));
    }
    int allErrors = errors.values().stream().mapToInt(AtomicInteger::get).sum();
    rows.add(row(step, "**all**", all, new AtomicInteger(allErrors)));
    return rows;
  }

  private static String row(String step, String kind, List<Long> values, AtomicInteger errors) {
    List<Long> sorted = values.stream().sorted().toList();
    return String.format(
        "| %s | %s | %d | %d / %d / %d | %d |",
        step,
        kind,
        sorted.size(),
        sorted.get((int) Math.ceil(sorted.size() * 0.50) - 1),
        sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
        sorted.get(sorted.size() - 1),
        errors == null ? 0 : errors.get());
  }

  /** One request of the mix. */
  private record Request(String kind, String method, String path, String body) {

    static Request pick(String run, List<Long> ids, AtomicInteger created) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      long id = ids.get(random.nextInt(ids.size()));
      int roll = random.nextInt(100);
      if (roll < 50) {
        return new Request("GET a job by id", "GET", "/api/v1/jobs/" + id, null);
      }
      if (roll < 70) {
        return new Request(
            "GET a page of the list",
            "GET",
            "/api/v1/jobs?app=" + APP + "&size=20&page=" + random.nextInt(100),
            null);
      }
      if (roll < 85) {
        return new Request(
            "GET next fire times", "GET", "/api/v1/jobs/" + id + "/next-fire-times?count=3", null);
      }
      if (roll < 90) {
        String q = "report-" + run + "-" + String.format("%04d", random.nextInt(10_000));
        return new Request(
            "GET search by name", "GET", "/api/v1/jobs?app=" + APP + "&q=" + q + "&size=20", null);
      }
      return new Request(
          "POST a new job", "POST", "/api/v1/jobs", job(run, created.getAndIncrement()));
    }
  }

  private static String memory(List<ServiceProcess> processes) {
    return String.join(
        ", ", processes.stream().map(p -> p.name() + " " + p.residentMib()).toList());
  }
}
