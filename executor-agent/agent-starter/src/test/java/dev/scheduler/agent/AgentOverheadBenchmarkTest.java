package dev.scheduler.agent;

import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.BlockStrategy;
import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Ids;
import dev.scheduler.contracts.JobType;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.Topics;
import dev.scheduler.testkit.FreePorts;
import dev.scheduler.testkit.TestLeaseAuthority;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * What the agent costs its host: CPU per execution of an empty handler, the latency from publish to
 * handler start, and the heap and threads it holds at rest. The broker runs as a process of its
 * own, so that this JVM holds only the agent (and, while publishing, a producer). Prints numbers;
 * asserts nothing. Run with {@code ./mvnw -pl executor-agent/agent-starter -am verify -Pbench}.
 */
@Tag("benchmark")
class AgentOverheadBenchmarkTest {

  /** execution-service's lease endpoints, in memory: the agent claims every fire there. */
  private static final TestLeaseAuthority LEASES = new TestLeaseAuthority();

  private static final int WARM_UP = 10_000;
  private static final int MEASURED = 20_000;
  private static final int PACED = 1_000;
  private static final int PACED_PER_SECOND = 200;

  static final AtomicLong done = new AtomicLong();
  static final ConcurrentLinkedQueue<Long> startDelays = new ConcurrentLinkedQueue<>();
  static volatile long[] cpuAt = new long[2];

  @Test
  void agent_overhead() throws Exception {
    Path home = Files.createTempDirectory("bench-broker-");
    int port = FreePorts.any();
    Process broker = startBroker(port, home);
    String nameServer = "127.0.0.1:" + port;
    List<String> rows = new ArrayList<>();
    try {
      String app = "bench-agent-" + UUID.randomUUID().toString().substring(0, 8);

      // Heap and threads at rest: the same application without and with the agent. The bare
      // application starts twice first, so that what any first Spring context leaves in static
      // caches is not counted against either.
      long bareContext = 0;
      long heapBefore = 0;
      int threadsBefore = 0;
      for (int round = 0; round < 2; round++) {
        heapBefore = usedHeapAfterGc();
        threadsBefore = Thread.activeCount();
        try (ConfigurableApplicationContext bare =
            agent(nameServer, app + "-bare", "scheduler.agent.enabled=false")) {
          bareContext = usedHeapAfterGc() - heapBefore;
        }
      }
      rows.add(
          String.format(
              "| heap of the same application without the agent (Spring context only) | %.1f MB |",
              bareContext / 1024.0 / 1024.0));
      heapBefore = usedHeapAfterGc();
      try (ConfigurableApplicationContext agent = agent(nameServer, app + "-rest")) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> agent.getBean(SchedulerAgent.class).connected());
        long heapAtRest = usedHeapAfterGc();
        rows.add(
            String.format(
                "| heap held at rest with the agent (Spring context and agent, after GC) | %.1f MB"
                    + " |",
                (heapAtRest - heapBefore) / 1024.0 / 1024.0));
        rows.add(
            String.format(
                "| of which the agent | %.1f MB |",
                (heapAtRest - heapBefore - bareContext) / 1024.0 / 1024.0));
        rows.add(String.format("| threads added | %d |", Thread.activeCount() - threadsBefore));
      }

      // CPU per execution: a backlog of empty-handler fires, drained by a warm agent.
      publishBacklog(nameServer, app, WARM_UP + MEASURED);
      done.set(0);
      try (ConfigurableApplicationContext context = agent(nameServer, app)) {
        SchedulerAgent agent = context.getBean(SchedulerAgent.class);
        await()
            .atMost(Duration.ofMinutes(10))
            .until(
                () -> agent.runner().outcomes(ExecutionEventType.SUCCEEDED) >= WARM_UP + MEASURED);
        var reporter = context.getBean(dev.scheduler.agent.run.Reporter.class);
        await().atMost(Duration.ofMinutes(2)).until(() -> reporter.pending() == 0);
        long cpuEnd = processCpuNanos();
        long wallEnd = System.nanoTime();
        double cpuPerExecution = (cpuEnd - cpuAt[0]) / (double) MEASURED / 1_000_000.0;
        double seconds = (wallEnd - cpuAt[1]) / 1e9;
        rows.add(
            String.format(
                "| CPU per execution, empty handler (fire taken, lease claimed, run, SUCCEEDED with its"
                    + " start, DONE marker), warm | %.3f ms |",
                cpuPerExecution));
        rows.add(
            String.format(
                "| executions per second while draining a backlog (capacity 16) | %.0f |",
                MEASURED / seconds));

        // Latency from publish to handler start at a steady pace.
        startDelays.clear();
        DefaultMQProducer producer = producer(nameServer);
        try {
          long interval = 1_000_000_000L / PACED_PER_SECOND;
          long next = System.nanoTime();
          for (int i = 0; i < PACED; i++) {
            while (System.nanoTime() < next) {
              Thread.onSpinWait();
            }
            send(producer, fire(app, 900_000_000L + i, Instant.now()));
            next += interval;
          }
        } finally {
          producer.shutdown();
        }
        await().atMost(Duration.ofMinutes(1)).until(() -> startDelays.size() >= PACED);
        long[] delays = startDelays.stream().mapToLong(Long::longValue).sorted().toArray();
        rows.add(
            String.format(
                "| publish to handler start, %d fires/s, p50 / p99 (includes the broker hop) | %d /"
                    + " %d ms |",
                PACED_PER_SECOND, delays[delays.length / 2], delays[(int) (delays.length * 0.99)]));
      }
    } finally {
      broker.destroy();
    }
    System.out.println();
    System.out.println("| measure | value |");
    System.out.println("|---|---|");
    rows.forEach(System.out::println);
  }

  private static Process startBroker(int port, Path home) throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.scheduler.testkit.LocalBroker",
                Integer.toString(port),
                home.toString())
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.contains("name server listening")) {
        Thread drain =
            new Thread(
                () -> {
                  try {
                    while (out.readLine() != null) {
                      // keep the pipe flowing
                    }
                  } catch (java.io.IOException e) {
                    // broker stopped
                  }
                });
        drain.setDaemon(true);
        drain.start();
        return process;
      }
    }
    throw new IllegalStateException("broker process ended before listening");
  }

  private static ConfigurableApplicationContext agent(
      String nameServer, String app, String... extra) {
    return new SpringApplicationBuilder(BenchApp.class)
        .web(WebApplicationType.NONE)
        .properties(extra)
        .properties(
            "scheduler.agent.app=" + app,
            "scheduler.agent.capacity=16",
            "scheduler.agent.name-server=" + nameServer,
            "scheduler.agent.registry.url=" + LEASES.url(),
            "scheduler.agent.heartbeat-interval=1h",
            "logging.level.root=WARN")
        .run();
  }

  private static void publishBacklog(String nameServer, String app, int count) throws Exception {
    DefaultMQProducer producer = producer(nameServer);
    try {
      Instant due = Instant.now();
      List<Message> batch = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        FireEvent fire = fire(app, i, due);
        batch.add(new Message(Topics.FIRE, app, fire.executionId(), Json.toBytes(fire)));
        if (batch.size() == 128) {
          producer.send(batch);
          batch = new ArrayList<>();
        }
      }
      if (!batch.isEmpty()) {
        producer.send(batch);
      }
    } finally {
      producer.shutdown();
    }
  }

  private static DefaultMQProducer producer(String nameServer) throws Exception {
    DefaultMQProducer producer = new DefaultMQProducer("bench-agent-producer");
    producer.setNamesrvAddr(nameServer);
    producer.setInstanceName("bench-" + UUID.randomUUID());
    producer.start();
    return producer;
  }

  private static void send(DefaultMQProducer producer, FireEvent fire) throws Exception {
    producer.send(new Message(Topics.FIRE, fire.app(), fire.executionId(), Json.toBytes(fire)));
  }

  private static FireEvent fire(String app, long job, Instant due) {
    long jobId = Math.abs(app.hashCode()) * 1_000_000_000L + job;
    String fireId = Ids.fireId(jobId, due);
    return new FireEvent(
        Contracts.SCHEMA_VERSION,
        jobId,
        fireId,
        Ids.executionId(fireId, 0),
        app,
        JobType.BEAN,
        "noop",
        null,
        null,
        0,
        1,
        null,
        due,
        Instant.now(),
        Duration.ofMinutes(1),
        1,
        null,
        BlockStrategy.SERIAL,
        fireId);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** A business application whose only handler does nothing. */
  @SpringBootConfiguration
  @ImportAutoConfiguration({
    ValidationAutoConfiguration.class,
    SchedulerAgentAutoConfiguration.class
  })
  static class BenchApp {
    @Bean
    Object noop() {
      return new Object() {
        @SchedulerJob("noop")
        void run(JobContext context) {
          long n = done.incrementAndGet();
          if (n == WARM_UP) {
            cpuAt = new long[] {processCpuNanos(), System.nanoTime()};
          }
          if (context.jobId() % 1_000_000_000L >= 900_000_000L) {
            startDelays.add(Duration.between(context.scheduledTime(), Instant.now()).toMillis());
          }
        }
      };
    }
  }
}
