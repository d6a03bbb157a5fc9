package dev.scheduler.e2e;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.jdbc.MySQL8JdbcCustomization;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.scheduler.testkit.TestDatabase;
import dev.scheduler.testkit.TestDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Queue;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quartz.CronScheduleBuilder;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * The same workload as {@link EndToEndThroughputBenchmarkTest} — jobs due every whole second whose
 * work returns at once — on the schedulers users would otherwise pick, each embedded in this JVM as
 * they are used, on the same MariaDB: vanilla clustered Quartz (its defaults, and tuned as its
 * documentation suggests for many triggers) and db-scheduler (lock-and-fetch polling). The offered
 * rate rises until an engine runs fewer than 90 % of the executions due; each step prints
 * executions started per second and the due-to-start delay. Asserts nothing. Run with {@code ./mvnw
 * -pl e2e-tests -am verify -Pbench -Dtest=PeerSchedulersBenchmarkTest
 * -Dsurefire.failIfNoSpecifiedTests=false}; {@code -Dbench.peers=db-scheduler,quartz-tuned} picks
 * the engines, {@code -Dbench.peers.rates=250,500} the steps.
 */
@Tag("benchmark")
class PeerSchedulersBenchmarkTest {

  private static final Duration WINDOW = Duration.ofSeconds(20);
  private static final Duration SETTLE = Duration.ofSeconds(10);

  /** Each execution's due time and start, in epoch ms, as the engines' work records them. */
  static final Queue<long[]> STARTS = new ConcurrentLinkedQueue<>();

  /** An engine under test with its jobs due every whole second. */
  interface Engine extends AutoCloseable {
    /** Defines jobs {@code first} to {@code first + count - 1}. */
    void addJobs(int first, int count) throws Exception;

    @Override
    void close() throws Exception;
  }

  @Test
  void peers_at_rising_load() throws Exception {
    List<String> rows = new ArrayList<>();
    for (String engine :
        list("bench.peers", "quartz-defaults,quartz-tuned,db-scheduler,db-scheduler-fetch")) {
      rows.addAll(rising(engine));
    }
    System.out.println();
    System.out.println(
        "| engine | offered executions/s | started per second | due-to-start p50 / p99 ms | CPU:"
            + " machine busy, cores used by this JVM |");
    System.out.println("|---|---|---|---|---|");
    rows.forEach(System.out::println);
  }

  private static List<String> rising(String name) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Engine engine = engine(name)) {
      int defined = 0;
      List<Integer> steps = new ArrayList<>();
      list("bench.peers.rates", "250,500,1000,1500,2000,3000")
          .forEach(r -> steps.add(Integer.valueOf(r)));
      steps.add(0, steps.get(0)); // the first step once more before, to warm the JVM up
      for (int step = 0; step < steps.size(); step++) {
        int rate = steps.get(step);
        engine.addJobs(defined, rate - defined);
        defined = rate;
        Instant from = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        Instant to = from.plus(WINDOW);
        waitUntil(from);
        long[] machine = CpuTime.ofMachine();
        long self = CpuTime.ofThisProcess();
        long at = System.nanoTime();
        waitUntil(to);
        String cpu = cpu(machine, self, at);
        waitUntil(to.plus(SETTLE));
        double perSecond = started(from, to).size() / (double) WINDOW.toSeconds();
        String row =
            String.format(
                "| %s | %d%s | %.0f | %s | %s |",
                name,
                rate,
                step == 0 ? " (warm-up)" : "",
                perSecond,
                ExecutionRecords.percentiles(started(from, to)),
                cpu);
        System.out.println(row);
        rows.add(row);
        STARTS.removeIf(s -> s[0] < to.toEpochMilli());
        if (step > 0 && perSecond < 0.9 * rate) {
          break; // saturated
        }
      }
    }
    STARTS.clear();
    return rows;
  }

  private static Engine engine(String name) throws Exception {
    return switch (name) {
      case "quartz-defaults" -> new QuartzEngine(10, 1);
      case "quartz-tuned" -> new QuartzEngine(32, 32);
      case "db-scheduler" -> new DbSchedulerEngine(32, true);
      case "db-scheduler-fetch" -> new DbSchedulerEngine(32, false);
      default ->
          throw new IllegalArgumentException(
              "bench.peers: quartz-defaults, quartz-tuned, db-scheduler or db-scheduler-fetch, not "
                  + name);
    };
  }

  /** Due-to-start delays (ms) of the executions due in [from, to) that started. */
  private static List<Long> started(Instant from, Instant to) {
    return STARTS.stream()
        .filter(s -> s[0] >= from.toEpochMilli() && s[0] < to.toEpochMilli())
        .map(s -> s[1] - s[0])
        .sorted()
        .toList();
  }

  private static String cpu(long[] machineBefore, long selfBefore, long at) {
    long[] machine = CpuTime.ofMachine();
    double wallMs = (System.nanoTime() - at) / 1e6;
    long total = machine[1] - machineBefore[1];
    return String.format(
        "%.0f %%; %.2f",
        total > 0 ? 100.0 * (machine[0] - machineBefore[0]) / total : -1,
        (CpuTime.ofThisProcess() - selfBefore) / wallMs);
  }

  private static List<String> list(String property, String fallback) {
    return Arrays.stream(System.getProperty(property, fallback).split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  /** Benchmarks measure wall-clock windows; this waits for the end of one. */
  private static void waitUntil(Instant until) throws InterruptedException {
    long millis = Duration.between(Instant.now(), until).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  /** Vanilla Quartz, clustered JDBC job store, one cron trigger per job. */
  static final class QuartzEngine implements Engine {

    private final org.quartz.Scheduler scheduler;

    /**
     * @param threads the worker threads (Quartz's default 10)
     * @param batch triggers acquired per round trip (Quartz's default 1; more needs the acquisition
     *     under the lock, as Quartz documents)
     */
    QuartzEngine(int threads, int batch) throws Exception {
      TestDatabase db = TestDatabases.create("bench_peer_quartz");
      try (Connection c = db.connect();
          InputStream script =
              org.quartz.Scheduler.class.getResourceAsStream(
                  "/org/quartz/impl/jdbcjobstore/tables_mysql_innodb.sql")) {
        runScript(c, new String(script.readAllBytes(), StandardCharsets.UTF_8));
      }
      String name = "peer-" + UUID.randomUUID().toString().substring(0, 8);
      Properties p = new Properties();
      p.setProperty("org.quartz.scheduler.instanceName", name);
      p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
      p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
      p.setProperty(
          "org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(batch));
      if (batch > 1) {
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
      }
      p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
      p.setProperty(
          "org.quartz.jobStore.driverDelegateClass",
          "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
      p.setProperty("org.quartz.jobStore.isClustered", "true");
      p.setProperty("org.quartz.jobStore.dataSource", "peer");
      p.setProperty("org.quartz.dataSource.peer.driver", "org.mariadb.jdbc.Driver");
      p.setProperty("org.quartz.dataSource.peer.URL", db.jdbcUrl());
      p.setProperty("org.quartz.dataSource.peer.user", db.username());
      p.setProperty("org.quartz.dataSource.peer.password", db.password());
      p.setProperty("org.quartz.dataSource.peer.provider", "hikaricp");
      p.setProperty("org.quartz.dataSource.peer.maxConnections", Integer.toString(threads + 2));
      scheduler = new StdSchedulerFactory(p).getScheduler();
      scheduler.start();
    }

    @Override
    public void addJobs(int first, int count) throws Exception {
      for (int i = first; i < first + count; i++) {
        scheduler.scheduleJob(
            JobBuilder.newJob(Tick.class).withIdentity("job-" + i).build(),
            TriggerBuilder.newTrigger()
                .withIdentity("trigger-" + i)
                .withSchedule(
                    CronScheduleBuilder.cronSchedule("* * * * * ?")
                        .inTimeZone(TimeZone.getTimeZone("UTC")))
                .build());
      }
    }

    @Override
    public void close() throws Exception {
      scheduler.shutdown(true);
    }

    private static void runScript(Connection c, String script) throws SQLException {
      StringBuilder sql = new StringBuilder();
      for (String line : script.split("\n")) {
        if (!line.startsWith("#") && !line.startsWith("--")) {
          sql.append(line).append('\n');
        }
      }
      try (Statement s = c.createStatement()) {
        for (String statement : sql.toString().split(";")) {
          if (!statement.isBlank() && !statement.trim().equalsIgnoreCase("commit")) {
            s.execute(statement);
          }
        }
      }
    }
  }

  /** The work of a Quartz job: records when it started against when it was due. */
  public static final class Tick implements Job {
    @Override
    public void execute(JobExecutionContext context) {
      STARTS.add(new long[] {context.getScheduledFireTime().getTime(), System.currentTimeMillis()});
    }
  }

  /**
   * db-scheduler: one task instance per job, rescheduled to its next whole second as it completes
   * (so a late run does not shift the later ones). With lock-and-fetch polling (one {@code SELECT …
   * FOR UPDATE SKIP LOCKED} picks a batch) db-scheduler needs its MySQL 8 dialect: it offers
   * lock-and-fetch for MariaDB only through that one (MariaDB has had SKIP LOCKED since 10.6);
   * otherwise its default, fetch-and-lock-on-execute (one update per execution to pick it).
   */
  static final class DbSchedulerEngine implements Engine {

    private final HikariDataSource dataSource;
    private final CustomTask<Void> tick;
    private final Scheduler scheduler;

    DbSchedulerEngine(int threads, boolean lockAndFetch) throws SQLException, IOException {
      TestDatabase db = TestDatabases.create("bench_peer_dbs");
      try (Connection c = db.connect();
          Statement s = c.createStatement()) {
        // db-scheduler's documented table (DATETIME for MariaDB's TIMESTAMP defaults).
        s.execute(
            """
            CREATE TABLE scheduled_tasks (
              task_name VARCHAR(100) NOT NULL,
              task_instance VARCHAR(100) NOT NULL,
              task_data BLOB,
              execution_time DATETIME(6) NOT NULL,
              picked BOOLEAN NOT NULL,
              picked_by VARCHAR(50),
              last_success DATETIME(6) NULL,
              last_failure DATETIME(6) NULL,
              consecutive_failures INT,
              last_heartbeat DATETIME(6) NULL,
              version BIGINT NOT NULL,
              priority SMALLINT,
              PRIMARY KEY (task_name, task_instance),
              INDEX execution_time_idx (execution_time),
              INDEX last_heartbeat_idx (last_heartbeat),
              INDEX priority_execution_time_idx (priority DESC, execution_time ASC))
            """);
      }
      HikariConfig config = new HikariConfig();
      // Without the drivers' one-round-trip batches: lock-and-fetch checks the update count of
      // each picked row, which such a batch does not report (db-scheduler then picks nothing).
      config.setJdbcUrl(
          db.jdbcUrl()
              .replace("rewriteBatchedStatements=true", "rewriteBatchedStatements=false")
              .replace("useBulkStmts=true", "useBulkStmts=false"));
      config.setUsername(db.username());
      config.setPassword(db.password());
      config.setMaximumPoolSize(threads + 4);
      dataSource = new HikariDataSource(config);
      tick =
          Tasks.custom("tick", Void.class)
              .execute(
                  (instance, context) -> {
                    Instant due = context.getExecution().getExecutionTime();
                    STARTS.add(new long[] {due.toEpochMilli(), System.currentTimeMillis()});
                    return (complete, operations) ->
                        operations.reschedule(complete, due.plusSeconds(1));
                  });
      SchedulerBuilder builder =
          Scheduler.create(dataSource, tick)
              .threads(threads)
              .pollingInterval(Duration.ofMillis(100));
      if (lockAndFetch) {
        builder
            .jdbcCustomization(new MySQL8JdbcCustomization(false))
            .pollUsingLockAndFetch(0.5, 1.0);
      }
      scheduler = builder.build();
      scheduler.start();
    }

    @Override
    public void addJobs(int first, int count) {
      Instant due = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
      for (int i = first; i < first + count; i++) {
        scheduler.schedule(tick.instance("job-" + i), due);
      }
    }

    @Override
    public void close() {
      scheduler.stop();
      dataSource.close();
    }
  }
}
