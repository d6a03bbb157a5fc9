package dev.scheduler.execution.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.HeldLease;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.LeaseClaims;
import dev.scheduler.contracts.LeaseGrants;
import dev.scheduler.contracts.LeaseGrants.Verdict;
import dev.scheduler.contracts.LeaseRenewal;
import dev.scheduler.contracts.LeaseRenewalReply;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.execution.TestAgents;
import dev.scheduler.execution.TestAttempts;
import dev.scheduler.execution.TestMessages;
import dev.scheduler.execution.api.ExecutionQueries;
import dev.scheduler.execution.store.ExecutionIngest;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.FireTraffic;
import dev.scheduler.testkit.RealServers;
import dev.scheduler.testkit.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Execution leases through the agents' endpoints, on the real database and broker, with a settable
 * clock: an attempt is granted once, a holder keeps it while it renews, the next attempt waits for
 * the previous holder's lease, and only a lease that ran out is failed over.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "scheduler.execution.nodes.agent-token=" + LeaseIntegrationTest.TOKEN,
      "scheduler.execution.nodes.scan-interval=1h",
      "scheduler.execution.lease.scan-interval=1h",
      "scheduler.execution.lease.tick-interval=1h"
    })
@RealServers(redis = false)
// Closed after the class: a live context consumes the shared topics.
@DirtiesContext
class LeaseIntegrationTest {

  static final String TOKEN = "a-test-agent-token-of-at-least-32-characters";

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  /** Each test starts an hour after the previous one, so earlier tests' leases have run out. */
  private static final AtomicLong HOURS = new AtomicLong();

  private static final Duration TICK = Duration.ofMillis(250);
  private static FireTraffic traffic;

  @Autowired TestRestTemplate http;
  @Autowired SettableClock clock;
  @Autowired LeaseWatch watch;
  @Autowired ExecutionIngest ingest;
  @Autowired JdbcTemplate jdbc;
  @Autowired ExecutionQueries queries;
  @Autowired org.springframework.transaction.support.TransactionTemplate transactions;
  @Autowired dev.scheduler.execution.ingest.Dispatcher dispatcher;

  private String app;
  private Instant start;

  @TestConfiguration
  static class Clocks {
    @Bean
    SettableClock clock() {
      return new SettableClock(T0);
    }
  }

  @BeforeAll
  static void connect() {
    traffic = FireTraffic.connect(EmbeddedRocketMq.shared().nameServerAddress());
  }

  @AfterAll
  static void disconnect() {
    traffic.close();
  }

  @BeforeEach
  void newApp() {
    app = "lease-" + UUID.randomUUID().toString().substring(0, 8);
    start = T0.plus(Duration.ofHours(HOURS.incrementAndGet()));
    clock.set(start);
    watch.ready();
    // A whole lease of health first: from here on, only the leases matter.
    healthyFor(Duration.ofSeconds(8));
    start = clock.instant();
  }

  @Test
  void an_attempt_is_granted_once_and_every_other_claim_of_it_is_turned_away() {
    FireEvent fire = recordedFire(RetryPolicy.NONE);

    LeaseGrants.Grant first = claim("node-a", fire);
    LeaseGrants.Grant other = claim("node-b", fire);
    LeaseGrants.Grant again = claim("node-a", fire);

    assertThat(first.verdict()).isEqualTo(Verdict.GRANTED);
    assertThat(first.token()).isEqualTo(1);
    assertThat(other.verdict()).isEqualTo(Verdict.DONE);
    assertThat(other.why()).contains("granted before, to node node-a");
    assertThat(again.verdict()).isEqualTo(Verdict.DONE);
    assertThat(again.why()).contains("holds it already");
    assertThat(lease(fire)).containsEntry("lease_node", "node-a").containsEntry("lease_token", 1L);
  }

  @Test
  void a_claim_before_the_fire_is_recorded_makes_the_row_which_the_fire_then_fills_in() {
    FireEvent fire = fire(RetryPolicy.NONE);

    assertThat(claim("node-a", fire).verdict()).isEqualTo(Verdict.GRANTED);
    ingest.fires(List.of(fire));

    assertThat(
            jdbc.queryForMap(
                "SELECT status, app, handler, lease_node FROM scheduler_job_execution"
                    + " WHERE execution_id = ?",
                fire.executionId()))
        .containsEntry("status", "WAITING")
        .containsEntry("app", app)
        .containsEntry("handler", "report")
        .containsEntry("lease_node", "node-a");
  }

  @Test
  void a_silent_holder_is_failed_over_only_once_its_lease_ran_out_and_then_under_a_higher_token() {
    FireEvent fire = recordedFire(RetryPolicy.NONE);
    assertThat(claim("node-a", fire).verdict()).isEqualTo(Verdict.GRANTED);
    ingest.events(List.of(event(fire, ExecutionEventType.STARTED, 1, "node-a")));
    healthyFor(Duration.ofSeconds(2));
    HeldLease held = new HeldLease(fire.executionId(), 1);
    assertThat(heartbeat("node-a", List.of(held), List.of()).notHeld()).isEmpty();

    // The node goes silent (paused, cut off): its lease lasts 8 s from that renewal.
    healthyFor(Duration.ofSeconds(8).minusMillis(TICK.toMillis()));
    watch.scan();
    assertThat(TestAttempts.of(queries, fire.executionId())).containsExactly("1:RUNNING");
    assertThat(claim("node-b", fire.nextAttempt(2, clock.instant())).verdict())
        .isEqualTo(Verdict.BUSY);

    healthyFor(TICK.multipliedBy(2));
    watch.scan();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !traffic.firesOf(fire.executionId(), 2).isEmpty());
    FireEvent second = traffic.firesOf(fire.executionId(), 2).get(0);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(TestAttempts.of(queries, fire.executionId())).startsWith("1:ABANDONED");
    assertThat(
            jdbc.queryForObject(
                "SELECT error FROM scheduler_job_execution_attempt"
                    + " WHERE execution_id = ? AND attempt = 1",
                String.class,
                fire.executionId()))
        .contains("lease of node node-a ran out");

    LeaseGrants.Grant next = claim("node-b", second);
    assertThat(next.verdict()).isEqualTo(Verdict.GRANTED);
    assertThat(next.token()).isEqualTo(2);
    // The old holder comes back: it holds nothing any more, and learns so.
    assertThat(heartbeat("node-a", List.of(held), List.of()).notHeld()).containsExactly(held);
    assertThat(claim("node-a", fire).verdict()).isEqualTo(Verdict.DONE);
  }

  @Test
  void the_next_attempt_waits_while_the_previous_holder_still_holds_its_lease() {
    FireEvent fire = recordedFire(new RetryPolicy(2, RetryPolicy.Backoff.FIXED, null, null));
    assertThat(claim("node-a", fire).verdict()).isEqualTo(Verdict.GRANTED);
    ingest.events(List.of(event(fire, ExecutionEventType.STARTED, 1, "node-a")));
    // Timed out: the handler was interrupted, but its thread may not have stopped yet.
    ingest.events(List.of(event(fire, ExecutionEventType.TIMED_OUT, 1, "node-a")));
    FireEvent retry = fire.nextAttempt(2, clock.instant());

    LeaseGrants.Grant busy = claim("node-b", retry);
    assertThat(busy.verdict()).isEqualTo(Verdict.BUSY);
    assertThat(busy.retryAfter()).isEqualTo(Duration.ofSeconds(8));
    assertThat(busy.why()).contains("attempt 1 is still held by node node-a");

    // Its thread stopped: node-a gives the lease up, and the retry may run.
    HeldLease first = new HeldLease(fire.executionId(), 1);
    assertThat(heartbeat("node-a", List.of(), List.of(first)).notHeld()).isEmpty();
    LeaseGrants.Grant granted = claim("node-b", retry);
    assertThat(granted.verdict()).isEqualTo(Verdict.GRANTED);
    assertThat(granted.token()).isEqualTo(2);
  }

  @Test
  void a_success_on_record_releases_the_lease_and_a_later_renewal_learns_it() {
    FireEvent fire = recordedFire(RetryPolicy.NONE);
    assertThat(claim("node-a", fire).verdict()).isEqualTo(Verdict.GRANTED);

    ingest.events(List.of(event(fire, ExecutionEventType.SUCCEEDED, 1, "node-a")));

    assertThat(lease(fire)).containsEntry("lease_node", null);
    HeldLease held = new HeldLease(fire.executionId(), 1);
    assertThat(heartbeat("node-a", List.of(held), List.of()).notHeld()).containsExactly(held);
    healthyFor(Duration.ofSeconds(20));
    watch.scan();
    assertThat(TestAttempts.of(queries, fire.executionId())).containsExactly("1:SUCCEEDED");
  }

  @Test
  void after_a_stall_of_this_replica_holders_get_a_whole_lease_to_renew_before_any_failover() {
    FireEvent fire = recordedFire(RetryPolicy.NONE);
    assertThat(claim("node-a", fire).verdict()).isEqualTo(Verdict.GRANTED);
    ingest.events(List.of(event(fire, ExecutionEventType.STARTED, 1, "node-a")));

    // 20 s in which this replica did not run (paused, or without its database): nobody could
    // renew.
    clock.advance(Duration.ofSeconds(20));
    watch.tick();
    watch.scan();
    assertThat(TestAttempts.of(queries, fire.executionId())).containsExactly("1:RUNNING");

    // The holder is alive and renews in time: nothing is failed over.
    healthyFor(Duration.ofSeconds(2));
    heartbeat("node-a", List.of(new HeldLease(fire.executionId(), 1)), List.of());
    healthyFor(Duration.ofSeconds(7));
    watch.scan();
    assertThat(TestAttempts.of(queries, fire.executionId())).containsExactly("1:RUNNING");
  }

  @Test
  void a_replica_shutting_down_fails_nothing_over_as_it_hears_no_renewals_any_more() {
    FireEvent fire = recordedFire(RetryPolicy.NONE);
    assertThat(claim("node-a", fire).verdict()).isEqualTo(Verdict.GRANTED);
    ingest.events(List.of(event(fire, ExecutionEventType.STARTED, 1, "node-a")));
    LeaseWatch stopping =
        new LeaseWatch(
            jdbc,
            transactions,
            ingest,
            dispatcher,
            new LeaseProperties(Duration.ofSeconds(8), Duration.ofMillis(500)),
            clock);
    stopping.ready();
    stopping.closing();

    for (int i = 0; i < 100; i++) {
      clock.advance(TICK);
      stopping.tick();
    }
    stopping.scan();

    assertThat(TestAttempts.of(queries, fire.executionId())).containsExactly("1:RUNNING");
  }

  @Test
  void claims_need_the_agent_token_and_bad_claims_get_a_problem_naming_the_field() {
    FireEvent fire = recordedFire(RetryPolicy.NONE);
    LeaseClaims good = new LeaseClaims("node-a", app, List.of(LeaseClaims.Claim.of(fire)));
    LeaseClaims bad =
        new LeaseClaims(
            "node-a",
            app,
            List.of(
                LeaseClaims.Claim.of(fire),
                new LeaseClaims.Claim("not-an-id", 1, 1),
                new LeaseClaims.Claim(fire.executionId(), fire.jobId() + 1, 0)));

    ResponseEntity<String> noToken = post("/agent/v1/leases", good, null);
    ResponseEntity<String> invalid = post("/agent/v1/leases", bad, TOKEN);

    assertThat(noToken.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(invalid.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(invalid.getBody())
        .contains("claims[1].executionId")
        .contains("claims[2].jobId")
        .contains("claims[2].attempt");
    assertThat(lease(fire)).containsEntry("lease_node", null).containsEntry("lease_token", 0L);
  }

  @Test
  void an_agent_of_another_app_is_not_granted_the_execution() {
    FireEvent fire = recordedFire(RetryPolicy.NONE);
    LeaseClaims claims =
        new LeaseClaims("node-x", "other-app", List.of(LeaseClaims.Claim.of(fire)));

    LeaseGrants grants =
        Json.fromJson(post("/agent/v1/leases", claims, TOKEN).getBody(), LeaseGrants.class);

    assertThat(grants.grants().get(0).verdict()).isEqualTo(Verdict.DONE);
    assertThat(grants.grants().get(0).why()).contains("belongs to app " + app);
    assertThat(lease(fire)).containsEntry("lease_node", null);
  }

  // ---- helpers

  /** Moves the clock by {@code duration}, with this replica reaching its database throughout. */
  private void healthyFor(Duration duration) {
    Instant until = clock.instant().plus(duration);
    while (clock.instant().isBefore(until)) {
      Duration step = Duration.between(clock.instant(), until);
      clock.advance(step.compareTo(TICK) < 0 ? step : TICK);
      watch.tick();
    }
  }

  private FireEvent fire(RetryPolicy policy) {
    return TestMessages.fire(ThreadLocalRandom.current().nextLong(1, 1L << 40), app, start, policy);
  }

  private FireEvent recordedFire(RetryPolicy policy) {
    FireEvent fire = fire(policy);
    ingest.fires(List.of(fire));
    return fire;
  }

  private ExecutionEvent event(FireEvent fire, ExecutionEventType type, int attempt, String node) {
    return TestMessages.event(fire, type, attempt, clock.instant(), node);
  }

  private Map<String, Object> lease(FireEvent fire) {
    return jdbc.queryForMap(
        "SELECT lease_node, lease_attempt, lease_token FROM scheduler_job_execution"
            + " WHERE execution_id = ?",
        fire.executionId());
  }

  private LeaseGrants.Grant claim(String node, FireEvent fire) {
    LeaseClaims claims = new LeaseClaims(node, app, List.of(LeaseClaims.Claim.of(fire)));
    ResponseEntity<String> answer = post("/agent/v1/leases", claims, TOKEN);
    assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
    return Json.fromJson(answer.getBody(), LeaseGrants.class).grants().get(0);
  }

  /** What an agent sends with its heartbeat: the leases it renews and those it gives up. */
  private LeaseRenewalReply heartbeat(String node, List<HeldLease> held, List<HeldLease> released) {
    ResponseEntity<String> answer =
        post("/agent/v1/leases/renewals", new LeaseRenewal(node, app, held, released), TOKEN);
    assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
    return Json.fromJson(answer.getBody(), LeaseRenewalReply.class);
  }

  private ResponseEntity<String> post(String path, Object body, String token) {
    return TestAgents.post(http, path, body, token);
  }
}
