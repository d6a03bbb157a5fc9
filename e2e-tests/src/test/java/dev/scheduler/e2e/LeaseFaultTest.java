package dev.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Run once when the agent running a fire stops answering without dying: two sample agents, a job
 * whose run works 20 s and writes a line to its agent's tally file at the end (after checking its
 * lease, with its fencing token). The agent running it is frozen with SIGSTOP for 15 s, or cut off
 * from execution-service by a TCP proxy for 15 s, then let go on. The run must go to the other
 * agent within 10 s of the last renewal, and the first agent, once it goes on, must stop its run
 * and never finish it: exactly one tally line for the execution, from the other agent, under the
 * second lease. (More rounds and lengths: {@code FaultMatrixTest}.)
 */
class LeaseFaultTest {

  private static final Duration FAULT = Duration.ofSeconds(15);

  /** Failover is due 10 s after the last renewal, which was at most one heartbeat (2 s) earlier. */
  private static final Duration FAILOVER_BOUND = Duration.ofSeconds(12);

  private static FaultPlatform platform;

  @BeforeAll
  static void start() {
    platform = new FaultPlatform("lease-fault", 20_000);
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void a_paused_agent_loses_its_run_to_the_other_agent_and_never_finishes_it() {
    check(platform.round(FaultPlatform.Fault.PAUSE, FAULT));
  }

  @Test
  void an_agent_cut_off_from_execution_service_loses_its_run_and_never_finishes_it() {
    check(platform.round(FaultPlatform.Fault.PARTITION, FAULT));
  }

  private static void check(FaultPlatform.Round round) {
    System.out.println(
        round.fault() + " round: failover " + round.failover().toMillis() + " ms after the fault");
    assertThat(round.attempts()).isEqualTo(2);
    assertThat(round.finalNode()).isNotEqualTo(round.holder());
    // Ended by whoever noticed first: the lease watch (ABANDONED: the lease ran out), or the agent
    // itself, which stops before its lease runs out (LEASE_LOST), when it still reaches the broker.
    assertThat(round.firstAttempt()).isIn("ABANDONED", "LEASE_LOST");
    assertThat(round.failover()).isLessThanOrEqualTo(FAILOVER_BOUND);
    // The first agent, going on, stopped its run and said so in the attempt's log.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                platform
                    .log(round.executionId(), 1)
                    .contains("lease of node " + round.holder() + " was lost"));
    // Once, from the agents' own tallies: on the other agent, under the second lease.
    assertThat(round.tally()).isEqualTo(List.of(round.finalNode() + " attempt 2 token 2"));
  }
}
