package dev.scheduler.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What an agent sends with every heartbeat ({@code POST /agent/v1/leases/renewals}): the leases it
 * holds, to be renewed, and those it gives up. An agent holding more sends several, {@link
 * #MAX_LEASES} of each at most in one.
 *
 * @param nodeId the agent instance
 * @param app its executor group
 * @param renew leases it holds: executions waiting here, running, or ended here with their outcome
 *     not yet on record
 * @param release leases it gives up: their handler's thread is done with them and their outcome is
 *     stored by the broker
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LeaseRenewal(
    String nodeId, String app, List<HeldLease> renew, List<HeldLease> release) {

  /** Most leases of each list in one request. */
  public static final int MAX_LEASES = 1_000;

  public LeaseRenewal {
    renew = renew == null ? List.of() : List.copyOf(renew);
    release = release == null ? List.of() : List.copyOf(release);
  }
}
