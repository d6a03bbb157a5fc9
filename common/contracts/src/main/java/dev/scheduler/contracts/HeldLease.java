package dev.scheduler.contracts;

import java.util.Objects;

/**
 * One attempt of an execution held under a lease by the node that names it.
 *
 * @param executionId the execution
 * @param attempt the attempt the lease was granted for
 */
public record HeldLease(String executionId, int attempt) {

  public HeldLease {
    Objects.requireNonNull(executionId, "executionId");
  }

  /** {@code <executionId>#<attempt>}, as in logs and guard keys. */
  @Override
  public String toString() {
    return Ids.attemptKey(executionId, attempt);
  }
}
