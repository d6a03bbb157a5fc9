package dev.scheduler.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.scheduler.agent.run.Runner;
import dev.scheduler.contracts.BlockStrategy;
import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.ControlCommand;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Heartbeat;
import dev.scheduler.contracts.HeldLease;
import dev.scheduler.contracts.Ids;
import dev.scheduler.contracts.JobType;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.LogLine;
import dev.scheduler.contracts.Topics;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.FireTraffic;
import dev.scheduler.testkit.TestLeaseAuthority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Agents as business applications run them, against the real broker: fire events go in through the
 * fire topic, execution events are read back from the execution topic; leases come from a stand-in
 * of execution-service's agent endpoints ({@link TestLeaseAuthority}).
 */
class AgentIntegrationTest {

  private static EmbeddedRocketMq broker;
  private static FireTraffic traffic;

  /** Which node ran which execution, as the handlers saw it. */
  static final Map<String, List<String>> runs = new ConcurrentHashMap<>();

  private final List<ConfigurableApplicationContext> agents = new CopyOnWriteArrayList<>();
  private TestLeaseAuthority authority;
  private String app;
  private long jobIds;

  @BeforeAll
  static void connect() {
    broker = EmbeddedRocketMq.shared();
    traffic = FireTraffic.connect(broker.nameServerAddress());
  }

  @AfterAll
  static void disconnect() {
    traffic.close();
  }

  @BeforeEach
  void newApp() {
    app = "agent-it-" + UUID.randomUUID().toString().substring(0, 8);
    // Job ids unique per test, so that guards left by earlier runs never match.
    jobIds = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L) * 100;
    authority = new TestLeaseAuthority();
  }

  @AfterEach
  void stopAgents() {
    agents.forEach(ConfigurableApplicationContext::close);
    authority.close();
  }

  @Test
  void a_fire_runs_its_handler_once_and_reports_started_log_and_succeeded_in_order()
      throws Exception {
    // the start is reported at once: STARTED, then the line, then the outcome
    SchedulerAgent agent = agent("node-a", "scheduler.agent.report-start-after=0");

    FireEvent fire = fire(1, "quick", 0, 1, BlockStrategy.SERIAL, Duration.ofMinutes(1));
    publish(fire);

    List<ExecutionEvent> seen = awaitOutcome(fire.executionId());
    assertThat(seen).extracting(ExecutionEvent::type).startsWith(ExecutionEventType.STARTED);
    assertThat(seen.get(seen.size() - 1).type()).isEqualTo(ExecutionEventType.SUCCEEDED);
    assertThat(seen.get(seen.size() - 1).result()).isEqualTo("done shard 0 with tokyo");
    // the outcome tells when its attempt started and when the fire was due
    ExecutionEvent outcome = seen.get(seen.size() - 1);
    assertThat(outcome.startedTime()).isEqualTo(seen.get(0).time());
    assertThat(outcome.startIncluded()).isFalse();
    assertThat(outcome.scheduledTime()).isEqualTo(fire.scheduledTime());
    assertThat(outcome.maxAttempts()).isEqualTo(fire.retryPolicy().maxAttempts());
    assertThat(seen).allSatisfy(e -> assertThat(e.nodeId()).isEqualTo("node-a"));
    assertThat(seen.stream().flatMap(e -> e.logLines().stream()).map(LogLine::message))
        .containsExactly("hello region=tokyo");
    assertThat(runs.get(fire.executionId())).containsExactly("node-a");
    assertThat(agent.runner().duplicates()).isZero();
    // signed with the agent's credential, which execution-service checks them against
    assertThat(traffic.allSignedWith(fire.executionId(), "s3cret")).isTrue();
    assertThat(traffic.allSignedWith(fire.executionId(), "another")).isFalse();
  }

  @Test
  void a_run_that_ends_before_its_start_is_due_to_be_reported_sends_one_event() throws Exception {
    agent("node-a", "scheduler.agent.report-start-after=1h");

    FireEvent fire = fire(17, "quick", 0, 1, BlockStrategy.SERIAL, Duration.ofMinutes(1));
    publish(fire);

    List<ExecutionEvent> seen = awaitOutcome(fire.executionId());
    assertThat(seen).hasSize(1);
    ExecutionEvent outcome = seen.get(0);
    assertThat(outcome.type()).isEqualTo(ExecutionEventType.SUCCEEDED);
    assertThat(outcome.startIncluded()).isTrue();
    assertThat(outcome.reportedStart()).isNotNull().isBeforeOrEqualTo(outcome.time());
    assertThat(outcome.logLines())
        .extracting(LogLine::message)
        .containsExactly("hello region=tokyo");
    assertThat(runs.get(fire.executionId())).containsExactly("node-a");
    assertThat(authority.token(fire.executionId())).isEqualTo(1);
  }

  @Test
  void a_run_still_going_when_its_start_is_due_reports_started_then_its_outcome() throws Exception {
    SchedulerAgent agent = agent("node-a", "scheduler.agent.report-start-after=50ms");

    FireEvent fire = fire(18, "slow", 0, 1, BlockStrategy.SERIAL, Duration.ofMinutes(1));
    publish(fire);

    ExecutionEvent started = awaitType(fire.executionId(), ExecutionEventType.STARTED);
    agent.runner().cancel(fire.executionId(), 0, "enough");
    ExecutionEvent outcome = last(awaitOutcome(fire.executionId()));
    assertThat(outcome.type()).isEqualTo(ExecutionEventType.CANCELLED);
    assertThat(outcome.startIncluded()).isFalse();
    assertThat(outcome.startedTime()).isEqualTo(started.time());
    assertThat(eventsOf(fire.executionId())).filteredOn(e -> e.reportedStart() != null).hasSize(1);
  }

  @Test
  void the_same_fire_delivered_twice_runs_once_and_the_duplicate_is_counted() throws Exception {
    SchedulerAgent agent = agent("node-a");
    FireEvent fire = fire(2, "quick", 0, 1, BlockStrategy.SERIAL, Duration.ofMinutes(1));

    publish(fire);
    awaitOutcome(fire.executionId());
    publish(fire);

    await().atMost(Duration.ofSeconds(20)).until(() -> agent.runner().duplicates() == 1);
    assertThat(runs.get(fire.executionId())).hasSize(1);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    agents.get(0).getBean(AgentMetrics.class).bindTo(meters);
    assertThat(meters.get("scheduler.agent.duplicates").functionCounter().count()).isEqualTo(1);
    assertThat(
            meters
                .get("scheduler.agent.executions")
                .tag("outcome", "SUCCEEDED")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(eventsOf(fire.executionId())).filteredOn(e -> e.reportedStart() != null).hasSize(1);
  }

  @Test
  void two_deliveries_of_a_fire_taken_at_the_same_moment_run_it_once() throws Exception {
    // After a queue rebalance the broker hands an agent again what it is still taking: both
    // deliveries reach the guard together, and the node's own copy must not pass for one of an
    // earlier life of this node id.
    SchedulerAgent agent = agent("node-a", "scheduler.agent.capacity=16");
    ExecutorService pair = Executors.newFixedThreadPool(2);
    List<FireEvent> fires = new ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        FireEvent fire =
            fire(1_000 + i, "record", 0, 1, BlockStrategy.SERIAL, Duration.ofMinutes(1));
        fires.add(fire);
        CyclicBarrier together = new CyclicBarrier(2);
        Callable<Runner.Acceptance> deliver =
            () -> {
              together.await();
              return agent.runner().accept(fire).acceptance();
            };
        List<Runner.Acceptance> both = new ArrayList<>();
        for (var done : pair.invokeAll(List.of(deliver, deliver))) {
          both.add(done.get());
        }
        assertThat(both)
            .as(fire.executionId())
            .containsExactlyInAnyOrder(Runner.Acceptance.ACCEPTED, Runner.Acceptance.DUPLICATE);
      }
    } finally {
      pair.shutdownNow();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> fires.stream().allMatch(f -> runs.containsKey(f.executionId())));
    assertThat(fires).allSatisfy(f -> assertThat(runs.get(f.executionId())).hasSize(1));
    assertThat(agent.runner().duplicates()).isEqualTo(fires.size());
  }

  @Test
  void a_fire_whose_attempt_was_granted_to_another_node_is_dropped_unrun() throws Exception {
    SchedulerAgent agent = agent("node-a");
    FireEvent fire = fire(19, "quick", 0, 1, BlockStrategy.SERIAL, Duration.ofMinutes(1));
    // Another node holds it: it runs there, or execution-service fails it over once its lease
    // runs out, as the next attempt.
    authority.granted(fire.executionId(), 1, "node-elsewhere");

    publish(fire);

    await().atMost(Duration.ofSeconds(20)).until(() -> agent.runner().duplicates() == 1);
    assertThat(runs.get(fire.executionId())).isNull();
    assertThat(eventsOf(fire.executionId())).isEmpty();

    // that node's lease runs out; the next attempt (as execution-service sends it after the
    // failover) runs here, under a higher token
    authority.lapse(fire.executionId());
    FireEvent next = fire.nextAttempt(2, Instant.now());
    publish(next);
    await().atMost(Duration.ofSeconds(20)).until(() -> runs.get(fire.executionId()) != null);
    assertThat(runs.get(fire.executionId())).containsExactly("node-a");
    assertThat(authority.token(fire.executionId())).isEqualTo(2);
  }

  @Test
  void a_retry_waits_while_the_earlier_attempt_is_held_and_runs_once_that_lease_is_released()
      throws Exception {
    agent("node-a", "scheduler.agent.heartbeat-interval=200ms");
    FireEvent fire = fire(14, "slow", 0, 1, BlockStrategy.SERIAL, Duration.ofSeconds(1));
    publish(fire);
    // Timed out: reported at once, while the handler's thread may still run.
    assertThat(last(awaitOutcome(fire.executionId())).type())
        .isEqualTo(ExecutionEventType.TIMED_OUT);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> SlowHandler.interrupted.contains(fire.executionId()));
    // Its thread is done: the next heartbeat gives the lease up.
    await().atMost(Duration.ofSeconds(10)).until(() -> !authority.held(fire.executionId()));
    assertThat(authority.renewals)
        .anySatisfy(r -> assertThat(r.release()).contains(new HeldLease(fire.executionId(), 1)));

    FireEvent retry = fire.nextAttempt(2, Instant.now());
    publish(retry);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> traffic.eventsOf(fire.executionId()).stream().anyMatch(e -> e.attempt() == 2));
    assertThat(authority.token(fire.executionId())).isEqualTo(2);
  }

  @Test
  void a_handler_whose_lease_cannot_be_renewed_is_stopped_and_never_reports_success()
      throws Exception {
    // execution-service answers lease claims, then cannot be reached for heartbeats (a partition):
    // with a 2 s lease and a 500 ms margin, the handler must be stopped within 1.5 s of its claim.
    authority.ttl = Duration.ofSeconds(2);
    authority.heartbeatsAway = true;
    SchedulerAgent agent =
        agent(
            "node-a",
            "scheduler.agent.heartbeat-interval=200ms",
            "scheduler.agent.lease-margin=500ms");
    FireEvent fire = fire(20, "stubborn", 0, 1, BlockStrategy.SERIAL, Duration.ofMinutes(1));
    publish(fire);

    ExecutionEvent outcome = last(awaitOutcome(fire.executionId()));
    assertThat(outcome.type()).isEqualTo(ExecutionEventType.LEASE_LOST);
    assertThat(outcome.error()).contains("lease of node node-a was lost").contains("not renewed");
    // The handler ignored the interrupt and went on; its side effect check stopped it, and what it
    // returned is not reported.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> StubbornHandler.refused.contains(fire.executionId()));
    assertThat(eventsOf(fire.executionId()))
        .noneMatch(e -> e.type() == ExecutionEventType.SUCCEEDED);
    assertThat(agent.runner().outcomes(ExecutionEventType.LEASE_LOST)).isEqualTo(1);
    assertThat(StubbornHandler.sideEffects).doesNotContain(fire.executionId());
  }

  @Test
  void a_handler_whose_lease_execution_service_took_back_is_stopped_and_reports_lease_lost()
      throws Exception {
    agent("node-a", "scheduler.agent.heartbeat-interval=200ms");
    FireEvent fire = fire(21, "slow", 0, 1, BlockStrategy.SERIAL, Duration.ofMinutes(1));
    publish(fire);
    awaitType(fire.executionId(), ExecutionEventType.STARTED);

    authority.revoked.add(new HeldLease(fire.executionId(), 1));

    ExecutionEvent outcome = last(awaitOutcome(fire.executionId()));
    assertThat(outcome.type()).isEqualTo(ExecutionEventType.LEASE_LOST);
    assertThat(outcome.error()).contains("no longer counts this node as its holder");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> SlowHandler.interrupted.contains(fire.executionId()));
  }

  @Test
  void handlers_get_a_fencing_token_that_rises_with_every_granted_attempt() throws Exception {
    agent("node-a");
    FireEvent fire = fire(22, "fenced", 0, 1, BlockStrategy.SERIAL, Duration.ofMinutes(1));
    publish(fire);
    await().atMost(Duration.ofSeconds(20)).until(() -> tokens.containsKey(fire.attemptKey()));

    // its success on record releases the lease (execution-service's ingest does that)
    authority.lapse(fire.executionId());
    FireEvent retry = fire.nextAttempt(2, Instant.now());
    publish(retry);
    await().atMost(Duration.ofSeconds(20)).until(() -> tokens.containsKey(retry.attemptKey()));

    assertThat(tokens.get(fire.attemptKey())).isEqualTo(1);
    assertThat(tokens.get(retry.attemptKey())).isEqualTo(2);
  }

  @Test
  void a_fire_taken_while_execution_service_is_away_runs_once_it_is_back() throws Exception {
    authority.claimsAway = true;
    SchedulerAgent agent = agent("node-a");
    FireEvent fire = fire(23, "quick", 0, 1, BlockStrategy.SERIAL, Duration.ofMinutes(1));
    publish(fire);
    await()
        .pollDelay(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> runs.get(fire.executionId()) == null);

    authority.claimsAway = false;

    assertThat(last(awaitOutcome(fire.executionId())).type())
        .isEqualTo(ExecutionEventType.SUCCEEDED);
    assertThat(runs.get(fire.executionId())).containsExactly("node-a");
    assertThat(agent.runner().duplicates()).isZero();
  }

  @Test
  void two_agents_split_ten_shards_and_no_shard_runs_twice() throws Exception {
    agent("node-a");
    agent("node-b");
    List<FireEvent> shards = new ArrayList<>();
    for (int shard = 0; shard < 10; shard++) {
      shards.add(fire(3, "record", shard, 10, BlockStrategy.SERIAL, Duration.ofMinutes(1)));
    }
    for (FireEvent shard : shards) {
      publish(shard);
    }

    for (FireEvent shard : shards) {
      assertThat(awaitOutcome(shard.executionId()).get(0).reportedStart()).isNotNull();
    }
    assertThat(shards).allSatisfy(s -> assertThat(runs.get(s.executionId())).hasSize(1));
    Map<String, Long> perNode =
        shards.stream()
            .collect(
                Collectors.groupingBy(
                    s -> runs.get(s.executionId()).get(0), Collectors.counting()));
    assertThat(perNode.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10);
    System.out.println("shards per node: " + perNode);
  }

  @Test
  void a_handler_past_its_timeout_is_interrupted_and_reported_timed_out() throws Exception {
    agent("node-a");
    FireEvent fire = fire(4, "slow", 0, 1, BlockStrategy.SERIAL, Duration.ofSeconds(1));

    publish(fire);

    ExecutionEvent outcome = last(awaitOutcome(fire.executionId()));
    assertThat(outcome.type()).isEqualTo(ExecutionEventType.TIMED_OUT);
    assertThat(outcome.error()).contains("ran past its timeout of PT1S");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> SlowHandler.interrupted.contains(fire.executionId()));
  }

  @Test
  void a_cancel_command_stops_a_running_handler() throws Exception {
    agent("node-a");
    FireEvent fire = fire(5, "slow", 0, 1, BlockStrategy.SERIAL, Duration.ofMinutes(5));
    publish(fire);
    awaitType(fire.executionId(), ExecutionEventType.STARTED);

    traffic.send(
        new Message(
            Topics.CONTROL,
            app,
            fire.executionId(),
            Json.toBytes(
                new ControlCommand(
                    Contracts.SCHEMA_VERSION,
                    ControlCommand.Type.CANCEL,
                    fire.executionId(),
                    1,
                    app,
                    null,
                    "alice",
                    "wrong parameters",
                    Instant.now()))));

    ExecutionEvent outcome = last(awaitOutcome(fire.executionId()));
    assertThat(outcome.type()).isEqualTo(ExecutionEventType.CANCELLED);
    assertThat(outcome.error()).isEqualTo("cancelled by alice: wrong parameters");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> SlowHandler.interrupted.contains(fire.executionId()));
  }

  @Test
  void shutdown_with_a_running_handler_reports_it_abandoned() throws Exception {
    agent("node-a", "scheduler.agent.shutdown-grace=500ms");
    FireEvent fire = fire(6, "slow", 0, 1, BlockStrategy.SERIAL, Duration.ofMinutes(5));
    publish(fire);
    awaitType(fire.executionId(), ExecutionEventType.STARTED);

    agents.remove(0).close();

    ExecutionEvent outcome = last(awaitOutcome(fire.executionId()));
    assertThat(outcome.type()).isEqualTo(ExecutionEventType.ABANDONED);
    assertThat(outcome.error()).contains("node-a shut down before the handler finished");
  }

  @Test
  void block_strategies_decide_what_an_overlapping_fire_does() throws Exception {
    agent("node-a");
    Instant first = Instant.parse("2026-01-01T00:00:00Z");
    FireEvent running = fireAt(7, "slow", first, BlockStrategy.DISCARD_LATER);
    publish(running);
    awaitType(running.executionId(), ExecutionEventType.STARTED);

    FireEvent discarded = fireAt(7, "slow", first.plusSeconds(1), BlockStrategy.DISCARD_LATER);
    publish(discarded);
    ExecutionEvent refused = last(awaitOutcome(discarded.executionId()));
    assertThat(refused.type()).isEqualTo(ExecutionEventType.REJECTED);
    assertThat(refused.error()).contains("discarded");

    FireEvent covering = fireAt(7, "quick", first.plusSeconds(2), BlockStrategy.COVER_EARLY);
    publish(covering);
    assertThat(last(awaitOutcome(running.executionId())).type())
        .isEqualTo(ExecutionEventType.CANCELLED);
    assertThat(last(awaitOutcome(covering.executionId())).type())
        .isEqualTo(ExecutionEventType.SUCCEEDED);
  }

  @Test
  void a_serial_fire_waits_for_the_earlier_one_of_its_shard() throws Exception {
    SchedulerAgent agent = agent("node-a");
    Instant first = Instant.parse("2026-01-01T00:00:00Z");
    FireEvent earlier = fireAt(8, "slow", first, BlockStrategy.SERIAL);
    publish(earlier);
    awaitType(earlier.executionId(), ExecutionEventType.STARTED);
    FireEvent later = fireAt(8, "quick", first.plusSeconds(1), BlockStrategy.SERIAL);
    publish(later);
    await().atMost(Duration.ofSeconds(20)).until(() -> agent.runner().queued() == 1);
    assertThat(eventsOf(later.executionId())).isEmpty();

    agent.runner().cancel(earlier.executionId(), 0, "enough");

    ExecutionEvent laterEnded = last(awaitOutcome(later.executionId()));
    ExecutionEvent earlierEnded = awaitType(earlier.executionId(), ExecutionEventType.CANCELLED);
    assertThat(laterEnded.type()).isEqualTo(ExecutionEventType.SUCCEEDED);
    assertThat(laterEnded.startedTime()).isAfterOrEqualTo(earlierEnded.time());
  }

  @Test
  void a_fire_for_a_handler_the_app_lacks_is_rejected_with_the_names_it_has() throws Exception {
    agent("node-a");
    FireEvent fire = fire(9, "missing", 0, 1, BlockStrategy.SERIAL, Duration.ofMinutes(1));
    publish(fire);

    ExecutionEvent outcome = last(awaitOutcome(fire.executionId()));
    assertThat(outcome.type()).isEqualTo(ExecutionEventType.REJECTED);
    assertThat(outcome.error()).contains("no handler named 'missing'").contains("quick");
  }

  @Test
  void a_failing_handler_is_reported_failed_with_its_error() throws Exception {
    agent("node-a");
    FireEvent fire = fire(10, "fail", 0, 1, BlockStrategy.SERIAL, Duration.ofMinutes(1));
    publish(fire);

    ExecutionEvent outcome = last(awaitOutcome(fire.executionId()));
    assertThat(outcome.type()).isEqualTo(ExecutionEventType.FAILED);
    assertThat(outcome.error()).startsWith("java.lang.IllegalStateException: on purpose");
  }

  @Test
  void http_jobs_call_allowed_hosts_at_allowed_addresses_only() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger calls = new AtomicInteger();
    server.createContext(
        "/sync",
        exchange -> {
          calls.incrementAndGet();
          byte[] body = "synced".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      agent(
          "node-a",
          "scheduler.agent.http.allowed-hosts=127.0.0.1,127.0.0.2",
          "scheduler.agent.http.allowed-ranges=127.0.0.1/32");
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/sync";
      FireEvent allowed = httpFire(11, "{\"method\":\"POST\",\"url\":\"" + url + "\"}");
      FireEvent denied =
          httpFire(12, "{\"url\":\"http://localhost:" + server.getAddress().getPort() + "/sync\"}");
      // An allowed host at an address outside the allowed ranges (loopback, as a rebound name's
      // would be): refused when connecting.
      FireEvent inside =
          httpFire(13, "{\"url\":\"" + url.replace("127.0.0.1", "127.0.0.2") + "\"}");
      publish(allowed);
      publish(denied);
      publish(inside);

      ExecutionEvent ok = last(awaitOutcome(allowed.executionId()));
      assertThat(ok.type()).isEqualTo(ExecutionEventType.SUCCEEDED);
      assertThat(ok.result()).isEqualTo("200 synced");
      ExecutionEvent refused = last(awaitOutcome(denied.executionId()));
      assertThat(refused.type()).isEqualTo(ExecutionEventType.FAILED);
      assertThat(refused.error())
          .contains("host 'localhost' is not in scheduler.agent.http.allowed-hosts");
      ExecutionEvent insideRefused = last(awaitOutcome(inside.executionId()));
      assertThat(insideRefused.type()).isEqualTo(ExecutionEventType.FAILED);
      assertThat(insideRefused.error())
          .contains("refused to connect to 127.0.0.2: 127.0.0.2 is a loopback address");
      assertThat(calls.get()).isEqualTo(1);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void heartbeats_carry_the_load_the_token_and_the_held_leases_and_a_stop_says_goodbye()
      throws Exception {
    SchedulerAgent agent = agent("node-a", "scheduler.agent.heartbeat-interval=200ms");
    FireEvent fire = fire(13, "slow", 0, 1, BlockStrategy.SERIAL, Duration.ofMinutes(1));
    publish(fire);
    awaitType(fire.executionId(), ExecutionEventType.STARTED);

    HeldLease held = new HeldLease(fire.executionId(), 1);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> authority.renewals.stream().anyMatch(r -> r.renew().contains(held)));
    Heartbeat beat = authority.beats.peek();
    assertThat(beat.nodeId()).isEqualTo("node-a");
    assertThat(beat.app()).isEqualTo(app);
    assertThat(beat.capacity()).isEqualTo(4);
    assertThat(beat.heapUsedBytes()).isPositive();
    assertThat(authority.tokens).isNotEmpty().allMatch("s3cret"::equals);
    // renewed well past the lease's 8 s: still running, never stopped
    await()
        .pollDelay(Duration.ofSeconds(10))
        .atMost(Duration.ofSeconds(12))
        .until(() -> agent.runner().running() == 1);
    assertThat(eventsOf(fire.executionId())).noneMatch(e -> e.type().terminal());

    agents.remove(0).close();
    assertThat(authority.farewells).containsExactly("/agent/v1/nodes/node-a");
  }

  @Test
  void shell_jobs_run_commands_only_where_enabled() throws Exception {
    agent("node-a", "scheduler.agent.shell.enabled=true");
    FireEvent ok = customFire(14, "shell", "{\"command\":[\"sh\",\"-c\",\"echo one; echo two\"]}");
    FireEvent failing = customFire(15, "shell", "{\"command\":[\"sh\",\"-c\",\"exit 3\"]}");
    publish(ok);
    publish(failing);

    List<ExecutionEvent> seen = awaitOutcome(ok.executionId());
    assertThat(last(seen).type()).isEqualTo(ExecutionEventType.SUCCEEDED);
    assertThat(seen.stream().flatMap(e -> e.logLines().stream()).map(LogLine::message))
        .containsExactly("one", "two");
    ExecutionEvent failed = last(awaitOutcome(failing.executionId()));
    assertThat(failed.type()).isEqualTo(ExecutionEventType.FAILED);
    assertThat(failed.error()).contains("command exited with 3");
  }

  @Test
  void without_the_switch_a_shell_job_is_rejected() throws Exception {
    agent("node-a");
    FireEvent fire = customFire(16, "shell", "{\"command\":[\"sh\",\"-c\",\"echo no\"]}");
    publish(fire);

    ExecutionEvent outcome = last(awaitOutcome(fire.executionId()));
    assertThat(outcome.type()).isEqualTo(ExecutionEventType.REJECTED);
    assertThat(outcome.error()).contains("no job type plugin named 'shell'");
  }

  @Test
  void a_broadcast_fire_runs_on_each_targeted_agent_once() throws Exception {
    agent("node-a");
    agent("node-b");
    FireEvent base = fire(17, "record", 0, 2, BlockStrategy.SERIAL, Duration.ofMinutes(1));
    List<FireEvent> perNode = new ArrayList<>();
    List<String> nodes = List.of("node-a", "node-b");
    for (int i = 0; i < nodes.size(); i++) {
      perNode.add(targeted(base, i, nodes.get(i)));
    }
    perNode.forEach(AgentIntegrationTest::publish);

    for (int i = 0; i < nodes.size(); i++) {
      String executionId = perNode.get(i).executionId();
      assertThat(traffic.outcomeOf(executionId).type()).isEqualTo(ExecutionEventType.SUCCEEDED);
      assertThat(runs.get(executionId)).containsExactly(nodes.get(i));
    }
  }

  private static FireEvent targeted(FireEvent base, int shard, String node) {
    return new FireEvent(
        base.schemaVersion(),
        base.jobId(),
        base.fireId(),
        Ids.executionId(base.fireId(), shard),
        base.app(),
        base.jobType(),
        base.handler(),
        base.jobData(),
        base.params(),
        shard,
        base.shardTotal(),
        null,
        base.scheduledTime(),
        base.firedTime(),
        base.timeout(),
        1,
        null,
        base.blockStrategy(),
        base.traceId(),
        node);
  }

  // ---- helpers

  private SchedulerAgent agent(String nodeId, String... extra) {
    List<String> properties =
        new ArrayList<>(
            List.of(
                "scheduler.agent.app=" + app,
                "scheduler.agent.node-id=" + nodeId,
                "scheduler.agent.capacity=4",
                "scheduler.agent.name-server=" + broker.nameServerAddress(),
                "scheduler.agent.registry.url=" + authority.url(),
                "scheduler.agent.registry.token=s3cret",
                "scheduler.agent.log-flush-interval=100ms"));
    if (Arrays.stream(extra).noneMatch(p -> p.startsWith("scheduler.agent.heartbeat-interval"))) {
      properties.add("scheduler.agent.heartbeat-interval=1h");
    }
    properties.addAll(List.of(extra));
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(AgentApp.class)
            .web(WebApplicationType.NONE)
            .properties(properties.toArray(String[]::new))
            .run();
    agents.add(context);
    SchedulerAgent agent = context.getBean(SchedulerAgent.class);
    await().atMost(Duration.ofSeconds(30)).until(agent::connected);
    return agent;
  }

  private FireEvent fire(
      long jobId, String handler, int shard, int shards, BlockStrategy block, Duration timeout) {
    return fire(jobId, handler, JobType.BEAN, null, Instant.now(), shard, shards, block, timeout);
  }

  private FireEvent fireAt(long jobId, String handler, Instant scheduled, BlockStrategy block) {
    return fire(jobId, handler, JobType.BEAN, null, scheduled, 0, 1, block, Duration.ofMinutes(5));
  }

  private FireEvent httpFire(long jobId, String jobData) {
    return fire(
        jobId,
        null,
        JobType.HTTP,
        jobData,
        Instant.now(),
        0,
        1,
        BlockStrategy.SERIAL,
        Duration.ofSeconds(30));
  }

  private FireEvent fire(
      long jobId,
      String handler,
      JobType type,
      String jobData,
      Instant scheduled,
      int shard,
      int shards,
      BlockStrategy block,
      Duration timeout) {
    long id = jobIds + jobId;
    String fireId = Ids.fireId(id, scheduled);
    return new FireEvent(
        Contracts.SCHEMA_VERSION,
        id,
        fireId,
        Ids.executionId(fireId, shard),
        app,
        type,
        handler,
        jobData,
        "region=tokyo",
        shard,
        shards,
        shard == 0 ? "tokyo" : null,
        scheduled,
        Instant.now(),
        timeout,
        1,
        null,
        block,
        fireId);
  }

  private FireEvent customFire(long jobId, String plugin, String jobData) {
    return fire(
        jobId,
        plugin,
        JobType.CUSTOM,
        jobData,
        Instant.now(),
        0,
        1,
        BlockStrategy.SERIAL,
        Duration.ofSeconds(30));
  }

  private static void publish(FireEvent fire) {
    traffic.publish(fire);
  }

  private static List<ExecutionEvent> eventsOf(String executionId) {
    return traffic.eventsOf(executionId);
  }

  private static List<ExecutionEvent> awaitOutcome(String executionId) {
    return traffic.awaitOutcome(executionId);
  }

  private static ExecutionEvent awaitType(String executionId, ExecutionEventType type) {
    return traffic.awaitEvent(executionId, type);
  }

  private static ExecutionEvent last(List<ExecutionEvent> seen) {
    return seen.stream().filter(e -> e.type().terminal()).findFirst().orElseThrow();
  }

  /** Fencing tokens handlers saw, by attempt key. */
  static final Map<String, Long> tokens = new ConcurrentHashMap<>();

  /** A business application with a few handlers. */
  @SpringBootConfiguration
  @ImportAutoConfiguration({
    ValidationAutoConfiguration.class,
    SchedulerAgentAutoConfiguration.class
  })
  static class AgentApp {

    @Bean
    Handlers handlers(AgentIdentity identity) {
      return new Handlers(identity.nodeId());
    }

    @Bean
    SlowHandler slowHandler() {
      return new SlowHandler();
    }

    @Bean
    StubbornHandler stubbornHandler() {
      return new StubbornHandler();
    }
  }

  static class Handlers {
    private final String nodeId;

    Handlers(String nodeId) {
      this.nodeId = nodeId;
    }

    @SchedulerJob("quick")
    String quick(JobContext context) {
      runs.computeIfAbsent(context.executionId(), k -> new CopyOnWriteArrayList<>()).add(nodeId);
      context.log().info("hello {}", context.params());
      return "done shard " + context.shardIndex() + " with " + context.shardParameter();
    }

    @SchedulerJob("record")
    void record(JobContext context) {
      runs.computeIfAbsent(context.executionId(), k -> new CopyOnWriteArrayList<>()).add(nodeId);
    }

    @SchedulerJob("fail")
    void fail() {
      throw new IllegalStateException("on purpose");
    }

    @SchedulerJob("fenced")
    void fenced(JobContext context) {
      context.checkLease();
      tokens.put(context.executionId() + "#" + context.attempt(), context.fencingToken());
    }
  }

  /**
   * Works 3 s whatever happens (it ignores interrupts), then makes its side effect only if its
   * lease still holds, as a handler should.
   */
  static class StubbornHandler implements JobHandler {
    static final Queue<String> sideEffects = new ConcurrentLinkedQueue<>();
    static final Queue<String> refused = new ConcurrentLinkedQueue<>();

    @Override
    public String name() {
      return "stubborn";
    }

    @Override
    public Object run(JobContext context) {
      long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (System.nanoTime() - until < 0) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          // ignored on purpose: stands for code that does not stop when asked
        }
      }
      try {
        context.checkLease();
      } catch (LeaseLostException e) {
        refused.add(context.executionId());
        throw e;
      }
      sideEffects.add(context.executionId());
      return "done";
    }
  }

  /** Blocks until interrupted (cancel, timeout, shutdown) and notes the interruption. */
  static class SlowHandler implements JobHandler {
    static final Queue<String> interrupted = new ConcurrentLinkedQueue<>();

    @Override
    public String name() {
      return "slow";
    }

    @Override
    public Object run(JobContext context) throws Exception {
      try {
        new java.util.concurrent.CountDownLatch(1).await(); // stands for work that never ends
        return "never";
      } catch (InterruptedException e) {
        interrupted.add(context.executionId());
        throw e;
      }
    }
  }
}
