package dev.scheduler.execution.lease;

import dev.scheduler.contracts.HeldLease;
import dev.scheduler.contracts.LeaseRenewalReply;
import dev.scheduler.execution.store.LeaseReleases;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a renewal (sent with every heartbeat) does to its node's leases: the ones it gives up are
 * released, the ones it holds are renewed for another {@code ttl}, if the node still holds them. A
 * lease that ran out but was not failed over yet (nobody else was granted the execution meanwhile)
 * is renewed like any other.
 */
@Component
public class LeaseRenewals {

  private final JdbcTemplate jdbc;
  private final NamedParameterJdbcTemplate named;
  private final LeaseProperties properties;
  private final Clock clock;

  public LeaseRenewals(JdbcTemplate jdbc, LeaseProperties properties, Clock clock) {
    this.jdbc = jdbc;
    this.named = new NamedParameterJdbcTemplate(jdbc);
    this.properties = properties;
    this.clock = clock;
  }

  /** Releases {@code released}, renews {@code held}; tells which of {@code held} the node lost. */
  @Transactional
  public LeaseRenewalReply renew(
      String nodeId, List<HeldLease> heldAsSent, List<HeldLease> releasedAsSent) {
    // In id order, as the ingest and the lease desk lock rows, so that none waits in a cycle.
    List<HeldLease> held = inIdOrder(heldAsSent);
    List<HeldLease> released = inIdOrder(releasedAsSent);
    LeaseReleases.apply(
        jdbc,
        released.stream()
            .map(lease -> new LeaseReleases.Release(lease.executionId(), nodeId, lease.attempt()))
            .toList());
    if (held.isEmpty()) {
      return new LeaseRenewalReply(properties.ttl(), List.of());
    }
    Instant until = clock.instant().plus(properties.ttl());
    jdbc.batchUpdate(
        "UPDATE scheduler_job_execution SET lease_until = ?"
            + " WHERE execution_id = ? AND lease_node = ? AND lease_attempt = ?",
        held,
        500,
        (ps, lease) -> {
          ps.setTimestamp(1, Timestamp.from(until));
          ps.setString(2, lease.executionId());
          ps.setString(3, nodeId);
          ps.setInt(4, lease.attempt());
        });
    // Read back rather than trusting the batch's update counts, which drivers batching in bulk do
    // not report per statement.
    Set<HeldLease> holding = new HashSet<>();
    named.query(
        "SELECT execution_id, lease_attempt FROM scheduler_job_execution"
            + " WHERE execution_id IN (:ids) AND lease_node = :node",
        Map.of("ids", held.stream().map(HeldLease::executionId).toList(), "node", nodeId),
        rs -> {
          holding.add(new HeldLease(rs.getString(1), rs.getInt(2)));
        });
    return new LeaseRenewalReply(
        properties.ttl(), held.stream().filter(lease -> !holding.contains(lease)).toList());
  }

  private static List<HeldLease> inIdOrder(List<HeldLease> leases) {
    return leases.stream().sorted(Comparator.comparing(HeldLease::executionId)).toList();
  }
}
