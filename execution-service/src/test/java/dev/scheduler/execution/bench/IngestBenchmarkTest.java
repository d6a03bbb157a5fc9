package dev.scheduler.execution.bench;

import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.LogLine;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.contracts.Topics;
import dev.scheduler.execution.ExecutionServiceApplication;
import dev.scheduler.execution.TestMessages;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.FireTraffic;
import dev.scheduler.testkit.ServiceArgs;
import dev.scheduler.testkit.TestDatabase;
import dev.scheduler.testkit.TestDatabases;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * How fast execution-service ingests executions, three ways:
 *
 * <ul>
 *   <li>steady: a steady stream as the platform makes it: every 5 ms a broker batch of the fires
 *       due, and 5 ms after each fire its outcome (start and one log line included) in a send of
 *       its own, as agents send them; how many are recorded per second and how long after its
 *       outcome was sent each row is SUCCEEDED ({@code -Dbench.steady=1000} executions per second
 *       for 20 s, 0 skips it).
 * </ul>
 *
 * and with executions that each bring a fire event, STARTED and SUCCEEDED (three events):
 *
 * <ul>
 *   <li>live: the messages (built beforehand) are published as fast as one producer can while the
 *       service consumes them; from the first publish until every row is SUCCEEDED. The broker and
 *       the producer take their share of the 2 cores meanwhile.
 *   <li>backlog: the messages wait in the broker while the service is down; a new instance drains
 *       them; from the first row written until the last row SUCCEEDED (row timestamps). The service
 *       and MariaDB have the machine, apart from the broker serving the pulls.
 * </ul>
 *
 * The transaction counter gives the write cost. Prints numbers; asserts nothing. Run with {@code
 * ./mvnw -pl execution-service -am verify -Pbench}.
 */
@Tag("benchmark")
class IngestBenchmarkTest {

  private static final int THREADS = Integer.getInteger("bench.threads", 16);
  private static final long PULL_INTERVAL_MS = Long.getLong("bench.pullInterval", 50);
  private static final Duration STEADY_WINDOW = Duration.ofSeconds(20);
  private static final int WRITERS = Integer.getInteger("bench.writers", 4);
  private static final int BATCH = Integer.getInteger("bench.batch", 512);

  @Test
  void ingest_rate() throws Exception {
    int executions = Integer.getInteger("bench.executions", 30_000);
    String nameServer = EmbeddedRocketMq.shared().nameServerAddress();
    TestDatabase db = TestDatabases.create("ingest_bench");
    String group = "-" + UUID.randomUUID();
    List<String> rows = new ArrayList<>();
    rows.add(String.format("| executions (3 events each) | %,d |", executions));
    rows.add(
        String.format(
            "| consumer threads per topic / pull interval ms / writers / batch | %d / %d / %d / %d"
                + " |",
            THREADS, PULL_INTERVAL_MS, WRITERS, BATCH));
    try (ConfigurableApplicationContext service = start(db, nameServer, group)) {
      JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
      MeterRegistry meters = service.getBean(MeterRegistry.class);
      publishAndAwait(nameServer, jdbc, messages(2_000, "warm"), 2_000, "warm");
      int steadyRate = Integer.getInteger("bench.steady", 1000);
      if (steadyRate > 0) {
        rows.addAll(steady(nameServer, jdbc, meters, steadyRate));
      }

      Counts before = Counts.of(meters);
      List<Message> live = messages(executions, "live");
      long started = System.nanoTime();
      publishAndAwait(nameServer, jdbc, live, executions, "live");
      double seconds = (System.nanoTime() - started) / 1e9;
      Counts used = Counts.of(meters).minus(before);
      rows.add(
          String.format(
              "| live: events ingested per second (first publish to last row SUCCEEDED) | %,.0f |",
              executions * 3 / seconds));
      rows.add(
          String.format(
              "| live: transactions per 1,000 events / batches run again | %.1f / %.0f |",
              used.transactions() * 1000 / (executions * 3.0), used.reruns()));
    }

    List<Message> backlog = messages(executions, "backlog");
    long publishing = System.nanoTime();
    publish(nameServer, backlog);
    double published = (System.nanoTime() - publishing) / 1e9;
    rows.add(
        String.format(
            "| the producer alone (service down): messages published per second | %,.0f |",
            backlog.size() / published));
    try (ConfigurableApplicationContext service = start(db, nameServer, group)) {
      JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
      awaitSucceeded(jdbc, executions, "backlog");
      Map<String, Object> span =
          jdbc.queryForMap(
              "SELECT MIN(created_at) AS first_row, MAX(updated_at) AS last_row"
                  + " FROM scheduler_job_execution WHERE app = 'backlog'");
      Duration took =
          Duration.between(
              ((Timestamp) span.get("first_row")).toInstant(),
              ((Timestamp) span.get("last_row")).toInstant());
      Counts used = Counts.of(service.getBean(MeterRegistry.class));
      rows.add(
          String.format(
              "| backlog: events ingested per second (first row written to last row SUCCEEDED)"
                  + " | %,.0f |",
              executions * 3 / (took.toMillis() / 1000.0)));
      rows.add(
          String.format(
              "| backlog: transactions per 1,000 events / batches run again | %.1f / %.0f |",
              used.transactions() * 1000 / (executions * 3.0), used.reruns()));
    }
    System.out.println();
    System.out.println("| measure | value |");
    System.out.println("|---|---|");
    rows.forEach(System.out::println);
  }

  private static ConfigurableApplicationContext start(
      TestDatabase db, String nameServer, String group) {
    return new SpringApplicationBuilder(ExecutionServiceApplication.class)
        .run(
            ServiceArgs.of(
                db,
                nameServer,
                "--logging.level.root=WARN",
                "--scheduler.execution.ingest.group-suffix=" + group,
                "--scheduler.execution.ingest.threads=" + THREADS,
                "--scheduler.execution.ingest.pull-interval=" + PULL_INTERVAL_MS + "ms",
                "--scheduler.execution.ingest.writers=" + WRITERS,
                "--scheduler.execution.ingest.batch-size=" + BATCH));
  }

  /** One execution of the steady stream: its fire and its outcome, and when each is sent. */
  private record Planned(FireEvent fire, Message fireMessage, Message outcome, Instant outcomeAt) {}

  /**
   * The steady stream of {@code rate} executions per second for {@link #STEADY_WINDOW}; returns its
   * table rows.
   */
  private static List<String> steady(
      String nameServer, JdbcTemplate jdbc, MeterRegistry meters, int rate) throws Exception {
    int executions = (int) (rate * STEADY_WINDOW.toSeconds());
    long jobBase = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000L) * 1_000_000L;
    Instant start = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
    List<Planned> plan = new ArrayList<>(executions);
    for (int i = 0; i < executions; i++) {
      Instant due = start.plusNanos(i * 1_000_000_000L / rate);
      Instant outcomeAt = due.plusMillis(5);
      FireEvent fire = TestMessages.fire(jobBase + i, "steady", due, RetryPolicy.NONE);
      ExecutionEvent outcome =
          TestMessages.event(fire, ExecutionEventType.SUCCEEDED, 1, outcomeAt)
              .withTiming(due, due.plusMillis(1))
              .withStartIncluded()
              .withLogLines(List.of(new LogLine(1, due.plusMillis(1), "INFO", "quick job")));
      plan.add(
          new Planned(
              fire,
              new Message(Topics.FIRE, "steady", fire.executionId(), Json.toBytes(fire)),
              FireTraffic.signed(outcome, FireTraffic.LOCAL_TOKEN),
              outcomeAt));
    }
    Counts before = Counts.of(meters);
    DefaultMQProducer producer = startProducer(nameServer);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    SendCallback sent =
        new SendCallback() {
          @Override
          public void onSuccess(SendResult result) {}

          @Override
          public void onException(Throwable e) {
            failed.compareAndSet(null, e);
          }
        };
    try {
      int fired = 0;
      int reported = 0;
      while (reported < executions) {
        Instant now = Instant.now();
        List<Message> due = new ArrayList<>();
        while (fired < executions && !plan.get(fired).fire().scheduledTime().isAfter(now)) {
          due.add(plan.get(fired++).fireMessage());
        }
        if (!due.isEmpty()) {
          producer.send(due);
        }
        while (reported < fired && !plan.get(reported).outcomeAt().isAfter(now)) {
          producer.send(plan.get(reported++).outcome(), sent); // as agents do, not waiting
        }
        if (failed.get() != null) {
          throw new IllegalStateException("an outcome was not sent", failed.get());
        }
        LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // the stream's pace, not a wait
      }
    } finally {
      producer.shutdown();
    }
    awaitSucceeded(jdbc, executions, "steady");
    Counts used = Counts.of(meters).minus(before);
    Map<String, Instant> sentAt = new HashMap<>();
    plan.forEach(p -> sentAt.put(p.fire().executionId(), p.outcomeAt()));
    List<Long> lags = new ArrayList<>(executions);
    Instant windowEnd = start.plus(STEADY_WINDOW).plusSeconds(1);
    long inTime = 0;
    for (Map<String, Object> row :
        jdbc.queryForList(
            "SELECT execution_id, updated_at FROM scheduler_job_execution WHERE app = 'steady'")) {
      Instant recorded = ((Timestamp) row.get("updated_at")).toInstant();
      lags.add(Duration.between(sentAt.get((String) row.get("execution_id")), recorded).toMillis());
      if (!recorded.isAfter(windowEnd)) {
        inTime++;
      }
    }
    Collections.sort(lags);
    return List.of(
        String.format(
            "| steady %,d executions/s (fire, then its outcome 5 ms later): recorded per second"
                + " within 1 s after the window | %,.0f |",
            rate, inTime / (double) STEADY_WINDOW.toSeconds()),
        String.format(
            "| steady: outcome sent to row SUCCEEDED p50 / p99 / max ms | %d / %d / %d |",
            lags.get(lags.size() / 2),
            lags.get((int) Math.ceil(lags.size() * 0.99) - 1),
            lags.get(lags.size() - 1)),
        String.format(
            "| steady: transactions per 1,000 events / batches run again | %.1f / %.0f |",
            used.transactions() * 1000 / (executions * 2.0), used.reruns()));
  }

  private record Counts(double transactions, double reruns) {
    static Counts of(MeterRegistry meters) {
      return new Counts(
          meters.counter("scheduler.execution.ingest.transactions").count(),
          meters.counter("scheduler.execution.ingest.rerun").count());
    }

    Counts minus(Counts earlier) {
      return new Counts(transactions - earlier.transactions, reruns - earlier.reruns);
    }
  }

  /**
   * Per execution a fire event and its two reports, in broker batches of 128 messages: a batch of
   * fires, then the batches of their events.
   */
  private static List<Message> messages(int executions, String app) {
    long jobBase = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000L) * 1_000_000L;
    Instant due = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<Message> fires = new ArrayList<>();
    List<Message> events = new ArrayList<>();
    List<Message> all = new ArrayList<>();
    for (int i = 0; i < executions; i++) {
      FireEvent fire = TestMessages.fire(jobBase + i, app, due, RetryPolicy.NONE);
      fires.add(new Message(Topics.FIRE, app, fire.executionId(), Json.toBytes(fire)));
      for (ExecutionEventType type :
          List.of(ExecutionEventType.STARTED, ExecutionEventType.SUCCEEDED)) {
        ExecutionEvent event = TestMessages.event(fire, type, 1, due.plusMillis(1));
        events.add(FireTraffic.signed(event, FireTraffic.LOCAL_TOKEN));
      }
      if (fires.size() == 128 || i == executions - 1) {
        all.addAll(fires);
        all.addAll(events);
        fires.clear();
        events.clear();
      }
    }
    return all;
  }

  private static void publishAndAwait(
      String nameServer, JdbcTemplate jdbc, List<Message> messages, int executions, String app)
      throws Exception {
    publish(nameServer, messages);
    awaitSucceeded(jdbc, executions, app);
  }

  /** A started producer of a group of its own. */
  private static DefaultMQProducer startProducer(String nameServer) throws Exception {
    DefaultMQProducer producer = new DefaultMQProducer("ingest-bench-" + UUID.randomUUID());
    producer.setNamesrvAddr(nameServer);
    producer.setInstanceName("ingest-bench-" + UUID.randomUUID());
    producer.start();
    return producer;
  }

  /** Sends in batches of up to 128 messages of one topic. */
  private static void publish(String nameServer, List<Message> messages) throws Exception {
    DefaultMQProducer producer = startProducer(nameServer);
    try {
      List<Message> batch = new ArrayList<>();
      for (Message message : messages) {
        if (!batch.isEmpty()
            && (batch.size() == 128 || !batch.get(0).getTopic().equals(message.getTopic()))) {
          producer.send(batch);
          batch = new ArrayList<>();
        }
        batch.add(message);
      }
      if (!batch.isEmpty()) {
        producer.send(batch);
      }
    } finally {
      producer.shutdown();
    }
  }

  private static void awaitSucceeded(JdbcTemplate jdbc, int executions, String app) {
    await()
        .atMost(Duration.ofMinutes(10))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                jdbc.queryForObject(
                        "SELECT COUNT(*) FROM scheduler_job_execution WHERE app = ? AND status ="
                            + " 'SUCCEEDED'",
                        Long.class,
                        app)
                    >= executions);
  }
}
