package dev.scheduler.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * execution-service's answer to a {@link LeaseRenewal}: how long the leases it renewed now last,
 * and which of the leases the node named it does not hold (any more).
 *
 * @param leaseTtl how long a lease lasts from when execution-service renewed it; the agent counts
 *     it from when it sent the heartbeat, which is earlier, so its own view runs out first
 * @param notHeld leases the renewal named that were not renewed: released by the attempt's recorded
 *     outcome, or lost (run out and failed over, or the execution moved on)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LeaseRenewalReply(Duration leaseTtl, List<HeldLease> notHeld) {

  public LeaseRenewalReply {
    Objects.requireNonNull(leaseTtl, "leaseTtl");
    notHeld = notHeld == null ? List.of() : List.copyOf(notHeld);
  }
}
