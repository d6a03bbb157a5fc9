package dev.scheduler.job.bench;

import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.Topics;
import dev.scheduler.job.JobServiceApplication;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.RedisEndpoint;
import dev.scheduler.testkit.SchemaEngine;
import dev.scheduler.testkit.ServiceArgs;
import dev.scheduler.testkit.TestDatabase;
import dev.scheduler.testkit.TestDatabases;
import dev.scheduler.testkit.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quartz.CronScheduleBuilder;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * Speed of the fire path: job-service's partition passes against vanilla clustered Quartz (per-job
 * cron triggers, Quartz's defaults) on the same MariaDB, broker and machine. Prints a table;
 * asserts nothing. Run with {@code ./mvnw -pl job-service -am verify -Pbench}.
 */
@Tag("benchmark")
class FirePathBenchmarkTest {

  private static final Duration WINDOW = Duration.ofSeconds(20);
  private final List<String> rows = new ArrayList<>();

  @Test
  void fire_path_against_vanilla_quartz() throws Exception {
    String nameServer = EmbeddedRocketMq.shared().nameServerAddress();
    for (int jobs : sizes("bench.steady", "1000,2500,4000")) {
      rows.add(steady("job-service", jobs, nameServer));
    }
    for (int jobs : sizes("bench.burst", "10000")) {
      rows.add(burst(jobs, nameServer));
    }
    for (int jobs : sizes("bench.quartz", "250,1000")) {
      rows.add(vanillaQuartz(jobs, nameServer));
    }
    System.out.println();
    System.out.println(
        "| engine | jobs due | offered fires/s | delivered fires/s | publish delay p50 / p99 ms"
            + " | delivery delay p50 ms | delivery delay p99 ms | note |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
  }

  private static List<Integer> sizes(String property, String defaults) {
    String value = System.getProperty(property, defaults);
    return value.isBlank()
        ? List.of()
        : java.util.Arrays.stream(value.split(","))
            .map(String::trim)
            .map(Integer::valueOf)
            .toList();
  }

  /** {@code jobs} jobs firing every second for the window, on one job-service replica. */
  private String steady(String engine, int jobs, String nameServer) throws Exception {
    String app = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    try (Recorder recorder = new Recorder(nameServer, app);
        ConfigurableApplicationContext service = jobService(nameServer)) {
      createJobs(service, app, jobs, "* * * * * ?");
      Instant from = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.SECONDS);
      Instant to = from.plus(WINDOW);
      waitUntil(to.plusSeconds(5));
      Stats stats = recorder.stats(from, to);
      return String.format(
          "| %s | %d every second | %d | %.0f | %s | %d | %d | %s |",
          engine,
          jobs,
          jobs,
          stats.perSecond(WINDOW),
          stats.publish(),
          stats.p50(),
          stats.p99(),
          stats.missing(jobs * WINDOW.toSeconds()));
    }
  }

  /** {@code jobs} jobs all due at the same second. */
  private String burst(int jobs, String nameServer) throws Exception {
    String app = "burst-" + UUID.randomUUID().toString().substring(0, 8);
    try (Recorder recorder = new Recorder(nameServer, app);
        ConfigurableApplicationContext service = jobService(nameServer)) {
      createJobs(service, app, jobs, "0 * * * * ?");
      Instant due = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
      waitUntil(due.plusSeconds(15));
      Stats stats = recorder.stats(due, due.plusSeconds(1));
      System.out.println(
          "burst due " + due + ", received per due second: " + recorder.perDueSecond());
      return String.format(
          "| job-service | %d due at one second | burst | all in %d ms | %s | %d | %d | %s |",
          jobs, stats.max(), stats.publish(), stats.p50(), stats.p99(), stats.missing(jobs));
    }
  }

  /** Vanilla clustered Quartz with its default settings, one cron trigger per job. */
  private String vanillaQuartz(int jobs, String nameServer) throws Exception {
    String app = "quartz-" + UUID.randomUUID().toString().substring(0, 8);
    TestDatabase db = SchemaEngine.MARIADB.migrated("bench_quartz");
    DefaultMQProducer producer = new DefaultMQProducer("bench-quartz-" + app);
    producer.setNamesrvAddr(nameServer);
    producer.start();
    VanillaJob.producer = producer;
    VanillaJob.app = app;
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "vanilla-" + app);
    p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
    p.setProperty("org.quartz.threadPool.threadCount", "10");
    p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
    p.setProperty(
        "org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
    p.setProperty("org.quartz.jobStore.isClustered", "true");
    p.setProperty("org.quartz.jobStore.dataSource", "bench");
    p.setProperty("org.quartz.dataSource.bench.driver", "org.mariadb.jdbc.Driver");
    p.setProperty("org.quartz.dataSource.bench.URL", db.jdbcUrl());
    p.setProperty("org.quartz.dataSource.bench.user", db.username());
    p.setProperty("org.quartz.dataSource.bench.password", db.password());
    p.setProperty("org.quartz.dataSource.bench.provider", "hikaricp");
    p.setProperty("org.quartz.dataSource.bench.maxConnections", "12");
    Scheduler scheduler = new StdSchedulerFactory(p).getScheduler();
    try (Recorder recorder = new Recorder(nameServer, app)) {
      for (int j = 0; j < jobs; j++) {
        scheduler.scheduleJob(
            JobBuilder.newJob(VanillaJob.class).withIdentity("job-" + j).build(),
            TriggerBuilder.newTrigger()
                .withIdentity("trigger-" + j)
                .withSchedule(CronScheduleBuilder.cronSchedule("* * * * * ?"))
                .build());
      }
      scheduler.start();
      Instant from = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.SECONDS);
      Instant to = from.plus(WINDOW);
      waitUntil(to.plusSeconds(5));
      Stats stats = recorder.stats(from, to);
      return String.format(
          "| vanilla Quartz cluster (defaults) | %d every second | %d | %.0f | %s | %d | %d | %s |",
          jobs,
          jobs,
          stats.perSecond(WINDOW),
          stats.publish(),
          stats.p50(),
          stats.p99(),
          stats.missing(jobs * WINDOW.toSeconds()));
    } finally {
      scheduler.shutdown(false);
      producer.shutdown();
    }
  }

  /** The fire of a vanilla Quartz job: the same event, published the same way. */
  public static class VanillaJob implements Job {
    static DefaultMQProducer producer;
    static String app;

    @Override
    public void execute(JobExecutionContext context) {
      Instant due = context.getScheduledFireTime().toInstant();
      String name = context.getJobDetail().getKey().getName();
      // job-<n>: n stands for the job id, so that missing and repeated fires are told per job.
      long jobId = Long.parseLong(name.substring("job-".length()));
      String fireId = name + "-" + due.toEpochMilli();
      byte[] body =
          Json.toBytes(
              new FireEvent(
                  1,
                  jobId,
                  fireId,
                  fireId + "-0",
                  app,
                  null,
                  "h",
                  null,
                  null,
                  0,
                  1,
                  null,
                  due,
                  Instant.now(),
                  Duration.ofSeconds(1),
                  1,
                  null,
                  null,
                  fireId));
      try {
        producer.send(new Message(Topics.FIRE, app, fireId + "-0", body));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static ConfigurableApplicationContext jobService(String nameServer) {
    TestDatabase db = TestDatabases.create("bench");
    RedisEndpoint redis = TestRedis.endpoint();
    return new SpringApplicationBuilder(JobServiceApplication.class)
        .run(
            ServiceArgs.of(
                db,
                nameServer,
                "--logging.level.root=WARN",
                "--spring.data.redis.host=" + redis.host(),
                "--spring.data.redis.port=" + redis.port(),
                "--scheduler.job.trigger.cluster-name=bench-" + UUID.randomUUID()));
  }

  /** Creates the jobs through the API, as 8 operators at once; fails if any is refused. */
  private static void createJobs(
      ConfigurableApplicationContext service, String app, int jobs, String cron) throws Exception {
    RestClient api =
        RestClient.create(
            "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port"));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<java.util.concurrent.Future<?>> created = new ArrayList<>();
    for (int j = 0; j < jobs; j++) {
      String name = "job-" + j;
      created.add(
          pool.submit(
              () ->
                  api.post()
                      .uri("/api/v1/jobs")
                      .header("Content-Type", "application/json")
                      .body(
                          Json.toJson(
                              Map.of(
                                  "app",
                                  app,
                                  "name",
                                  name,
                                  "jobType",
                                  "BEAN",
                                  "handler",
                                  "h",
                                  "misfirePolicy",
                                  "FIRE_ALL",
                                  "schedule",
                                  Map.of("type", "CRON", "cron", cron))))
                      .retrieve()
                      .toBodilessEntity()));
    }
    pool.shutdown();
    for (java.util.concurrent.Future<?> job : created) {
      job.get(10, TimeUnit.MINUTES);
    }
  }

  private static void waitUntil(Instant until) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.between(Instant.now(), until).plusSeconds(5))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !Instant.now().isBefore(until));
  }

  /** Fire events as an agent receives them: scheduled time and arrival. */
  private static final class Recorder implements AutoCloseable {
    private final DefaultMQPushConsumer consumer;
    private final ConcurrentLinkedQueue<long[]> arrivals = new ConcurrentLinkedQueue<>();

    Recorder(String nameServer, String app) throws Exception {
      consumer = new DefaultMQPushConsumer("bench-reader-" + app);
      consumer.setNamesrvAddr(nameServer);
      consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
      consumer.setConsumeThreadMin(4);
      consumer.setConsumeThreadMax(4);
      consumer.setConsumeMessageBatchMaxSize(32);
      consumer.subscribe(Topics.FIRE, app);
      consumer.registerMessageListener(
          (MessageListenerConcurrently)
              (messages, context) -> {
                long now = System.currentTimeMillis();
                for (var m : messages) {
                  FireEvent e = Json.fromBytes(m.getBody(), FireEvent.class);
                  arrivals.add(
                      new long[] {
                        e.scheduledTime().toEpochMilli(),
                        now,
                        e.firedTime().toEpochMilli(),
                        e.jobId()
                      });
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
              });
      consumer.start();
    }

    Stats stats(Instant from, Instant to) {
      List<long[]> inWindow =
          arrivals.stream()
              .filter(a -> a[0] >= from.toEpochMilli() && a[0] < to.toEpochMilli())
              .toList();
      Map<Long, Set<Long>> jobsPerSecond = new TreeMap<>();
      inWindow.forEach(
          a -> jobsPerSecond.computeIfAbsent(a[0] / 1000, s -> new HashSet<>()).add(a[3]));
      Set<Long> allJobs = new HashSet<>();
      arrivals.forEach(a -> allJobs.add(a[3]));
      Map<Long, List<Long>> missingPerSecond = new TreeMap<>();
      for (long second = from.getEpochSecond(); second < to.getEpochSecond(); second++) {
        Set<Long> seen = jobsPerSecond.getOrDefault(second, Set.of());
        List<Long> missing = allJobs.stream().filter(j -> !seen.contains(j)).sorted().toList();
        if (!missing.isEmpty()) {
          missingPerSecond.put(second, missing);
        }
      }
      return new Stats(
          inWindow.stream().mapToLong(a -> a[1] - a[0]).sorted().toArray(),
          inWindow.stream().mapToLong(a -> a[2] - a[0]).sorted().toArray(),
          inWindow.stream().map(a -> a[3] + "@" + a[0]).distinct().count(),
          missingPerSecond);
    }

    /** How many events were received for each due second, over the whole run. */
    Map<Instant, Long> perDueSecond() {
      Map<Instant, Long> counts = new TreeMap<>();
      arrivals.forEach(a -> counts.merge(Instant.ofEpochSecond(a[0] / 1000), 1L, Long::sum));
      return counts;
    }

    @Override
    public void close() {
      consumer.shutdown();
    }
  }

  /**
   * @param delays arrival at the consumer minus due time
   * @param publishDelays the fire event's fired time (taken just before it is sent) minus due time
   * @param distinct distinct fires received (a fire received twice counts once)
   * @param missingPerSecond per due second of the window, the jobs seen firing at other seconds but
   *     not at this one
   */
  private record Stats(
      long[] delays, long[] publishDelays, long distinct, Map<Long, List<Long>> missingPerSecond) {
    String publish() {
      if (publishDelays.length == 0) {
        return "-";
      }
      return publishDelays[publishDelays.length / 2]
          + " / "
          + publishDelays[
              (int) Math.min(publishDelays.length - 1, Math.floor(publishDelays.length * 0.99))];
    }

    double perSecond(Duration window) {
      return delays.length / (double) window.toSeconds();
    }

    long p50() {
      return delays.length == 0 ? -1 : delays[delays.length / 2];
    }

    long p99() {
      return delays.length == 0
          ? -1
          : delays[(int) Math.min(delays.length - 1, Math.floor(delays.length * 0.99))];
    }

    long max() {
      return delays.length == 0 ? -1 : delays[delays.length - 1];
    }

    String missing(long expected) {
      String duplicates =
          delays.length > distinct ? ", " + (delays.length - distinct) + " received twice" : "";
      if (distinct >= expected) {
        return "none missing" + duplicates;
      }
      String where =
          missingPerSecond.entrySet().stream()
              .limit(3)
              .map(
                  e ->
                      Instant.ofEpochSecond(e.getKey())
                          + " lacks jobs "
                          + e.getValue().stream().limit(12).toList())
              .collect(Collectors.joining("; "));
      return (expected - distinct)
          + " of "
          + expected
          + " not received in time"
          + duplicates
          + "; "
          + missingPerSecond.size()
          + " seconds short, first: "
          + where;
    }
  }
}
