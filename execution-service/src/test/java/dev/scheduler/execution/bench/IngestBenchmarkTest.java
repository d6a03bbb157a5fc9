package dev.scheduler.execution.bench;

import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.contracts.Topics;
import dev.scheduler.execution.ExecutionServiceApplication;
import dev.scheduler.execution.TestMessages;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.TestDatabase;
import dev.scheduler.testkit.TestDatabases;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * How fast execution-service ingests: executions each bringing a fire event, STARTED and SUCCEEDED
 * (three events) are published as fast as a producer can, and the time until every row is SUCCEEDED
 * gives events per second; the transaction counter gives the write cost. MariaDB, the broker and
 * the producer share the machine. Prints numbers; asserts nothing. Run with {@code ./mvnw -pl
 * execution-service -am verify -Pbench}.
 */
@Tag("benchmark")
class IngestBenchmarkTest {

  @Test
  void ingest_rate() throws Exception {
    int executions = Integer.getInteger("bench.executions", 20_000);
    String nameServer = EmbeddedRocketMq.shared().nameServerAddress();
    TestDatabase db = TestDatabases.create("ingest_bench");
    try (ConfigurableApplicationContext service =
        new SpringApplicationBuilder(ExecutionServiceApplication.class)
            .run(
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN",
                "--spring.datasource.url=" + db.jdbcUrl(),
                "--spring.datasource.username=" + db.username(),
                "--spring.datasource.password=" + db.password(),
                "--rocketmq.name-server=" + nameServer,
                "--scheduler.execution.ingest.group-suffix=-" + UUID.randomUUID(),
                "--scheduler.execution.ingest.threads=" + Integer.getInteger("bench.threads", 2),
                "--scheduler.execution.ingest.batch-size="
                    + Integer.getInteger("bench.batch", 512))) {
      JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
      MeterRegistry meters = service.getBean(MeterRegistry.class);
      // Warm up: 2,000 executions, then the measured run.
      run(nameServer, jdbc, 2_000, "warm");
      double before = meters.counter("scheduler.execution.ingest.transactions").count();
      double rerunsBefore = meters.counter("scheduler.execution.ingest.rerun").count();
      long started = System.nanoTime();
      run(nameServer, jdbc, executions, "bench");
      double seconds = (System.nanoTime() - started) / 1e9;
      double transactions =
          meters.counter("scheduler.execution.ingest.transactions").count() - before;
      double reruns = meters.counter("scheduler.execution.ingest.rerun").count() - rerunsBefore;
      System.out.println();
      System.out.println("| measure | value |");
      System.out.println("|---|---|");
      System.out.printf("| executions (3 events each) | %,d |%n", executions);
      System.out.printf(
          "| consumer threads per topic / batch | %d / %d |%n",
          Integer.getInteger("bench.threads", 2), Integer.getInteger("bench.batch", 512));
      System.out.printf(
          "| events ingested per second (publish to last row SUCCEEDED) | %,.0f |%n",
          executions * 3 / seconds);
      System.out.printf("| executions completed per second | %,.0f |%n", executions / seconds);
      System.out.printf(
          "| transactions per 1,000 events | %.1f |%n", transactions * 1000 / (executions * 3.0));
      System.out.printf(
          "| batches run again (lost a race for a new row or a lock) | %.0f |%n", reruns);
    }
  }

  private static void run(String nameServer, JdbcTemplate jdbc, int executions, String app)
      throws Exception {
    DefaultMQProducer producer = new DefaultMQProducer("ingest-bench-" + UUID.randomUUID());
    producer.setNamesrvAddr(nameServer);
    producer.setInstanceName("ingest-bench-" + UUID.randomUUID());
    producer.start();
    long jobBase = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000L) * 1_000_000L;
    Instant due = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    try {
      List<Message> fires = new ArrayList<>();
      List<Message> events = new ArrayList<>();
      for (int i = 0; i < executions; i++) {
        FireEvent fire = TestMessages.fire(jobBase + i, app, due, RetryPolicy.NONE);
        fires.add(new Message(Topics.FIRE, app, fire.executionId(), Json.toBytes(fire)));
        for (ExecutionEventType type :
            List.of(ExecutionEventType.STARTED, ExecutionEventType.SUCCEEDED)) {
          ExecutionEvent event = TestMessages.event(fire, type, 1, due.plusMillis(1));
          events.add(
              new Message(Topics.EXECUTION, type.name(), fire.executionId(), Json.toBytes(event)));
        }
        if (fires.size() == 128) {
          producer.send(fires);
          producer.send(events.subList(0, 128));
          producer.send(events.subList(128, 256));
          fires.clear();
          events.clear();
        }
      }
      if (!fires.isEmpty()) {
        producer.send(fires);
        for (int from = 0; from < events.size(); from += 128) {
          producer.send(events.subList(from, Math.min(events.size(), from + 128)));
        }
      }
    } finally {
      producer.shutdown();
    }
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
