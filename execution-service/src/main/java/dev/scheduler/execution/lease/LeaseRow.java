package dev.scheduler.execution.lease;

import dev.scheduler.execution.state.ExecutionStatus;
import java.time.Instant;

/**
 * What the lease rules read of an execution's row.
 *
 * @param executionId the execution
 * @param app the executor group it belongs to
 * @param status where it stands
 * @param attempt its current attempt
 * @param leaseNode the node holding its lease; null when none does (never granted, released, or run
 *     out and failed over)
 * @param leaseAttempt the attempt the latest lease was granted for; 0 before the first
 * @param leaseToken the fencing token of the latest lease; 0 before the first
 * @param leaseUntil when the held lease runs out unless renewed; null when none is held
 */
record LeaseRow(
    String executionId,
    String app,
    ExecutionStatus status,
    int attempt,
    String leaseNode,
    int leaseAttempt,
    long leaseToken,
    Instant leaseUntil) {

  /** Whether a lease is held that has not run out at {@code now}. */
  boolean heldAt(Instant now) {
    return leaseNode != null && leaseUntil != null && leaseUntil.isAfter(now);
  }

  /** This row with a lease granted to {@code node} for {@code leaseAttempt} until {@code until}. */
  LeaseRow grantedTo(String node, int grantedAttempt, Instant until) {
    return new LeaseRow(
        executionId, app, status, attempt, node, grantedAttempt, leaseToken + 1, until);
  }
}
