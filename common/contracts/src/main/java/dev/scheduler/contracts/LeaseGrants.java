package dev.scheduler.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * execution-service's answer to {@link LeaseClaims}: one grant per claim, in the claims' order.
 *
 * @param leaseTtl how long a granted lease lasts unless renewed (by the agent's heartbeats)
 * @param grants what became of each claim
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LeaseGrants(Duration leaseTtl, List<Grant> grants) {

  public LeaseGrants {
    Objects.requireNonNull(leaseTtl, "leaseTtl");
    grants = grants == null ? List.of() : List.copyOf(grants);
  }

  /** What execution-service decided about one claim. */
  public enum Verdict {
    /**
     * The lease is the claimant's: the attempt may run, and the fire event may leave the broker.
     */
    GRANTED,
    /**
     * The attempt's lease was granted before (to this node or another), or the execution ended or
     * moved on to a later attempt: this delivery must not run. A holder that dies is failed over by
     * execution-service when its lease runs out, as the next attempt.
     */
    DONE,
    /**
     * An earlier attempt's holder still holds its lease (it may still run it): the fire must wait
     * until that lease is released or has run out ({@code retryAfter}).
     */
    BUSY,
    /** This verdict arrived from a newer execution-service than this reader knows. */
    UNKNOWN
  }

  /**
   * @param executionId the execution claimed
   * @param attempt the attempt claimed
   * @param verdict what was decided
   * @param token for GRANTED: the fencing token of the lease, higher than that of every earlier
   *     lease of the execution; 0 otherwise
   * @param retryAfter for BUSY: how long until the holding lease runs out unless renewed; zero
   *     otherwise
   * @param why for DONE and BUSY: what the claimant met, for its log
   */
  public record Grant(
      String executionId,
      int attempt,
      Verdict verdict,
      long token,
      Duration retryAfter,
      String why) {
    public Grant {
      Objects.requireNonNull(executionId, "executionId");
      verdict = verdict == null ? Verdict.UNKNOWN : verdict;
      retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
    }
  }
}
