package dev.scheduler.execution.lease;

import dev.scheduler.contracts.Ids;
import dev.scheduler.contracts.LeaseClaims;
import dev.scheduler.contracts.LeaseGrants;
import dev.scheduler.contracts.LeaseGrants.Grant;
import dev.scheduler.contracts.LeaseGrants.Verdict;
import dev.scheduler.execution.state.ExecutionStatus;
import dev.scheduler.execution.store.RaceReruns;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Grants execution leases to agents, a request's claims in one transaction: the rows are locked in
 * id order (as the ingest locks them, so the two never wait on each other in a cycle), a row not
 * stored yet is made from the execution id (the agent took the fire before execution-service
 * recorded it; the fire event fills it in when it arrives), and {@link LeaseRules} decides each
 * claim. A request that lost a race for a new row, or a deadlock, runs again.
 */
@Component
public class LeaseDesk {

  private final JdbcTemplate jdbc;
  private final NamedParameterJdbcTemplate named;
  private final TransactionTemplate transactions;
  private final LeaseProperties properties;
  private final Clock clock;
  private final Map<Verdict, Counter> verdicts = new EnumMap<>(Verdict.class);

  public LeaseDesk(
      JdbcTemplate jdbc,
      TransactionTemplate transactions,
      LeaseProperties properties,
      Clock clock,
      MeterRegistry meters) {
    this.jdbc = jdbc;
    this.named = new NamedParameterJdbcTemplate(jdbc);
    this.transactions = transactions;
    this.properties = properties;
    this.clock = clock;
    for (Verdict verdict : Verdict.values()) {
      verdicts.put(
          verdict,
          Counter.builder("scheduler.execution.lease.claims")
              .tag("verdict", verdict.name())
              .description("lease claims of agents, by what was decided")
              .register(meters));
    }
  }

  /** Decides every claim of {@code request}; the grants in the claims' order. */
  public LeaseGrants claim(LeaseClaims request) {
    List<Grant> grants = RaceReruns.inTransaction(transactions, () -> decide(request), () -> {});
    grants.forEach(g -> verdicts.get(g.verdict()).increment());
    return new LeaseGrants(properties.ttl(), grants);
  }

  private List<Grant> decide(LeaseClaims request) {
    Instant now = clock.instant();
    Instant until = now.plus(properties.ttl());
    TreeSet<String> ids = new TreeSet<>();
    request.claims().forEach(c -> ids.add(c.executionId()));
    Map<String, LeaseRow> rows = lock(ids);
    List<LeaseClaims.Claim> unstored =
        request.claims().stream().filter(c -> !rows.containsKey(c.executionId())).toList();
    insertUnstored(unstored, request.app(), now, rows);
    Map<String, LeaseRow> granted = new LinkedHashMap<>();
    List<Grant> grants = new ArrayList<>();
    for (LeaseClaims.Claim claim : request.claims()) {
      LeaseRow row = rows.get(claim.executionId());
      Grant grant = LeaseRules.decide(row, claim, request.nodeId(), request.app(), now);
      if (grant.verdict() == Verdict.GRANTED) {
        LeaseRow holding = row.grantedTo(request.nodeId(), claim.attempt(), until);
        rows.put(row.executionId(), holding);
        granted.put(row.executionId(), holding);
      }
      grants.add(grant);
    }
    if (!granted.isEmpty()) {
      jdbc.batchUpdate(
          "UPDATE scheduler_job_execution SET lease_node = ?, lease_attempt = ?, lease_token = ?,"
              + " lease_until = ? WHERE execution_id = ?",
          new ArrayList<>(granted.values()),
          500,
          (ps, row) -> {
            ps.setString(1, row.leaseNode());
            ps.setInt(2, row.leaseAttempt());
            ps.setLong(3, row.leaseToken());
            ps.setTimestamp(4, Timestamp.from(row.leaseUntil()));
            ps.setString(5, row.executionId());
          });
    }
    return grants;
  }

  private Map<String, LeaseRow> lock(TreeSet<String> ids) {
    Map<String, LeaseRow> rows = new HashMap<>();
    named.query(
        "SELECT execution_id, app, status, attempt, lease_node, lease_attempt, lease_token,"
            + " lease_until FROM scheduler_job_execution WHERE execution_id IN (:ids)"
            + " ORDER BY execution_id FOR UPDATE",
        Map.of("ids", ids),
        rs -> {
          Timestamp until = rs.getTimestamp("lease_until");
          LeaseRow row =
              new LeaseRow(
                  rs.getString("execution_id"),
                  rs.getString("app"),
                  ExecutionStatus.valueOf(rs.getString("status")),
                  rs.getInt("attempt"),
                  rs.getString("lease_node"),
                  rs.getInt("lease_attempt"),
                  rs.getLong("lease_token"),
                  until == null ? null : until.toInstant());
          rows.put(row.executionId(), row);
        });
    return rows;
  }

  /**
   * Makes the rows of executions claimed before their fire event was recorded, from what the id
   * tells: WAITING at the claimed attempt, of the claimant's app. The fire event fills in the rest.
   */
  private void insertUnstored(
      List<LeaseClaims.Claim> claims, String app, Instant now, Map<String, LeaseRow> rows) {
    Map<String, LeaseClaims.Claim> byId = new LinkedHashMap<>();
    claims.forEach(c -> byId.putIfAbsent(c.executionId(), c));
    if (byId.isEmpty()) {
      return;
    }
    Timestamp at = Timestamp.from(now);
    jdbc.batchUpdate(
        "INSERT INTO scheduler_job_execution (execution_id, fire_id, job_id, app, shard_index,"
            + " scheduled_at, status, attempt, trigger_type, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, 'WAITING', ?, ?, ?, ?)",
        new ArrayList<>(new TreeSet<>(byId.keySet())),
        500,
        (ps, id) -> {
          LeaseClaims.Claim claim = byId.get(id);
          Ids.ExecutionIdParts parts = Ids.parseExecutionId(id);
          ps.setString(1, id);
          ps.setString(2, parts.fireId());
          ps.setLong(3, parts.jobId());
          ps.setString(4, app);
          ps.setInt(5, parts.shardIndex());
          ps.setTimestamp(6, Timestamp.from(parts.scheduledTime()));
          ps.setInt(7, claim.attempt());
          ps.setString(8, claim.attempt() == 1 ? "SCHEDULE" : "RETRY");
          ps.setTimestamp(9, at);
          ps.setTimestamp(10, at);
        });
    byId.forEach(
        (id, claim) ->
            rows.put(
                id,
                new LeaseRow(id, app, ExecutionStatus.WAITING, claim.attempt(), null, 0, 0, null)));
  }
}
