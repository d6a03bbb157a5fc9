package dev.scheduler.agent.run;

import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.HeldLease;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.LeaseClaims;
import dev.scheduler.contracts.LeaseGrants;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Claims the lease of a fire event's attempt from execution-service before it runs here. */
public class LeaseClient {

  private final RegistryHttp http;
  private final String nodeId;
  private final String app;
  private final Ticker ticker;
  private final Leases leases;

  public LeaseClient(RegistryHttp http, String nodeId, String app, Ticker ticker, Leases leases) {
    this.http = http;
    this.nodeId = nodeId;
    this.app = app;
    this.ticker = ticker;
    this.leases = leases;
  }

  /**
   * What a claim brought.
   *
   * @param grant execution-service's decision
   * @param lease the lease now held here, for a granted claim; null otherwise
   */
  public record Claimed(LeaseGrants.Grant grant, Lease lease) {}

  /**
   * Claims the lease of {@code fire}'s attempt.
   *
   * @throws RegistryHttp.UnavailableException when execution-service did not decide (away, or
   *     refused the request): the fire must not run, and goes back to the broker
   */
  public Claimed claim(FireEvent fire) throws RegistryHttp.UnavailableException {
    long askedAt = ticker.nanos();
    byte[] body = Json.toBytes(new LeaseClaims(nodeId, app, List.of(LeaseClaims.Claim.of(fire))));
    RegistryHttp.Answer answer = http.call("POST", "/agent/v1/leases", body);
    if (!answer.ok()) {
      throw new RegistryHttp.UnavailableException(
          answer.from()
              + " refused the lease claim with "
              + answer.status()
              + ": "
              + new String(answer.body(), StandardCharsets.UTF_8));
    }
    LeaseGrants grants = Json.fromBytes(answer.body(), LeaseGrants.class);
    if (grants.grants().size() != 1) {
      throw new RegistryHttp.UnavailableException(
          answer.from() + " answered " + grants.grants().size() + " grants to one claim");
    }
    LeaseGrants.Grant grant = grants.grants().get(0);
    Lease lease =
        grant.verdict() == LeaseGrants.Verdict.GRANTED
            ? leases.granted(
                new HeldLease(fire.executionId(), fire.attempt()),
                grant.token(),
                askedAt,
                grants.leaseTtl())
            : null;
    return new Claimed(grant, lease);
  }
}
