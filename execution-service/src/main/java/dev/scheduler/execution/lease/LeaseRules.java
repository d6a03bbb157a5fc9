package dev.scheduler.execution.lease;

import dev.scheduler.contracts.LeaseClaims;
import dev.scheduler.contracts.LeaseGrants.Grant;
import dev.scheduler.contracts.LeaseGrants.Verdict;
import dev.scheduler.execution.state.ExecutionStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * Who may hold an execution, as a pure function of its row. An attempt is granted at most once, and
 * only while no earlier lease is held: so an attempt runs on one node, never twice under the same
 * attempt, and the next attempt (a retry, a failover) starts only after the previous holder
 * released its lease or let it run out — not because its node was marked OFFLINE or deleted, which
 * says nothing of whether it still runs.
 */
final class LeaseRules {

  private LeaseRules() {}

  /**
   * What becomes of {@code claim} by {@code node} of {@code app}, against {@code row} as stored.
   */
  static Grant decide(LeaseRow row, LeaseClaims.Claim claim, String node, String app, Instant now) {
    int asked = claim.attempt();
    if (!row.app().equals(app)) {
      return done(claim, "the execution belongs to app " + row.app() + ", not " + app);
    }
    if (row.attempt() > asked) {
      return done(claim, "the execution is at attempt " + row.attempt());
    }
    if (row.attempt() == asked && endedAt(row.status())) {
      return done(claim, "attempt " + asked + " ended " + row.status());
    }
    if (row.leaseAttempt() > asked) {
      return done(claim, "attempt " + row.leaseAttempt() + " was granted since");
    }
    if (row.leaseAttempt() == asked) {
      boolean here = node.equals(row.leaseNode()) && row.heldAt(now);
      return done(
          claim,
          here
              ? "this node holds it already"
              : "attempt " + asked + " was granted before, to node " + holderOf(row));
    }
    if (row.heldAt(now)) {
      return new Grant(
          claim.executionId(),
          asked,
          Verdict.BUSY,
          0,
          Duration.between(now, row.leaseUntil()),
          "attempt " + row.leaseAttempt() + " is still held by node " + row.leaseNode());
    }
    return new Grant(
        claim.executionId(), asked, Verdict.GRANTED, row.leaseToken() + 1, Duration.ZERO, null);
  }

  /** An attempt in this status has ended: nothing may take it any more. */
  private static boolean endedAt(ExecutionStatus status) {
    return status.terminal() || status == ExecutionStatus.RETRYING;
  }

  private static String holderOf(LeaseRow row) {
    return row.leaseNode() == null ? "(released or run out)" : row.leaseNode();
  }

  private static Grant done(LeaseClaims.Claim claim, String why) {
    return new Grant(claim.executionId(), claim.attempt(), Verdict.DONE, 0, Duration.ZERO, why);
  }
}
