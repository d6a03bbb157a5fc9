package dev.scheduler.execution.lease;

import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.execution.ingest.Dispatcher;
import dev.scheduler.execution.state.ExecutionStatus;
import dev.scheduler.execution.store.ExecutionIngest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fails over what a holder stopped renewing: an execution whose lease ran out is no longer held,
 * and an attempt that had not ended under it is ended ABANDONED and dispatched again as the next
 * attempt (through the state machine, in the same transaction). This is the only failover of a
 * holder that went away: a node marked OFFLINE or deleted may still run what it holds, and keeps it
 * while it renews the lease.
 *
 * <p>Leases are judged only once this replica has been up, reaching the database and not stalled,
 * for a whole {@code ttl}: after a restart, a database outage or a pause of this process, agents
 * could not renew meanwhile, and they get a full lease's time to do so before anything is failed
 * over (a live agent that finished a run during the outage must not see it run again). A replica
 * that is shutting down judges none: it takes no renewals any more (its web server stops first),
 * and another replica, or this one's next start, judges them with renewals heard. Runs on one
 * replica at a time.
 */
@Component
public class LeaseWatch {

  private static final Logger log = LoggerFactory.getLogger(LeaseWatch.class);
  private static final int BATCH = 500;

  /**
   * A gap between health ticks longer than this means this replica stalled or lost the database.
   */
  static final Duration STALL = Duration.ofMillis(1_500);

  private final JdbcTemplate jdbc;
  private final NamedParameterJdbcTemplate named;
  private final TransactionTemplate transactions;
  private final ExecutionIngest ingest;
  private final Dispatcher dispatcher;
  private final LeaseProperties properties;
  private final Clock clock;

  /** Since when this replica has reached the database without a gap; null before it is ready. */
  private volatile Instant healthySince;

  private volatile Instant lastTick;

  /** Set once this replica began to shut down. */
  private volatile boolean closing;

  public LeaseWatch(
      JdbcTemplate jdbc,
      TransactionTemplate transactions,
      ExecutionIngest ingest,
      Dispatcher dispatcher,
      LeaseProperties properties,
      Clock clock) {
    this.jdbc = jdbc;
    this.named = new NamedParameterJdbcTemplate(jdbc);
    this.transactions = transactions;
    this.ingest = ingest;
    this.dispatcher = dispatcher;
    this.properties = properties;
    this.clock = clock;
  }

  /** From now on this replica takes renewals: leases are judged a full lease's time later. */
  @EventListener(ApplicationReadyEvent.class)
  public void ready() {
    Instant now = clock.instant();
    lastTick = now;
    healthySince = now;
  }

  /** From now on this replica takes no renewals: it judges no lease any more. */
  @EventListener(ContextClosedEvent.class)
  public void closing() {
    closing = true;
  }

  /** Notes that this replica reaches the database, and when it did not for a while. */
  @Scheduled(fixedDelayString = "${scheduler.execution.lease.tick-interval:250ms}")
  public void tick() {
    if (lastTick == null) {
      return; // not ready yet
    }
    try {
      jdbc.queryForObject("SELECT 1", Integer.class);
    } catch (RuntimeException e) {
      healthySince = null;
      return;
    }
    Instant now = clock.instant();
    Instant previous = lastTick;
    lastTick = now;
    if (healthySince == null || Duration.between(previous, now).compareTo(STALL) > 0) {
      healthySince = now;
      log.info(
          "leases are judged from {} on: agents get {} to renew theirs", now, properties.ttl());
    }
  }

  @Scheduled(fixedDelayString = "${scheduler.execution.lease.scan-interval:500ms}")
  @SchedulerLock(name = "lease-watch", lockAtMostFor = "PT30S")
  public void scheduledScan() {
    scan();
  }

  /** Fails over the attempts whose lease ran out; returns how many. */
  public int scan() {
    Instant now = clock.instant();
    Instant since = healthySince;
    if (closing || since == null || since.plus(properties.ttl()).isAfter(now)) {
      return 0;
    }
    List<String> candidates =
        jdbc.queryForList(
            "SELECT execution_id FROM scheduler_job_execution WHERE lease_until < ?"
                + " ORDER BY lease_until LIMIT "
                + BATCH,
            String.class,
            Timestamp.from(now));
    if (candidates.isEmpty()) {
      return 0;
    }
    Outcome outcome = transactions.execute(status -> expire(new TreeSet<>(candidates), now));
    if (!outcome.abandoned().isEmpty()) {
      log.warn(
          "failing over {} attempts whose lease ran out: {}",
          outcome.abandoned().size(),
          outcome.abandoned().stream()
              .map(e -> e.executionId() + "#" + e.attempt() + "@" + e.nodeId())
              .toList());
      dispatcher.dispatch(outcome.dispatches());
      dispatcher.announceApplied(outcome.abandoned());
    }
    return outcome.abandoned().size();
  }

  private record Outcome(
      List<ExecutionEvent> abandoned, List<ExecutionIngest.Dispatch> dispatches) {}

  /**
   * Under the rows' locks, in id order: ends what still ran out, and runs it through the ingest.
   */
  private Outcome expire(TreeSet<String> ids, Instant now) {
    List<ExecutionEvent> abandoned = new ArrayList<>();
    List<String> released = new ArrayList<>();
    named.query(
        "SELECT execution_id, job_id, app, status, attempt, lease_node, lease_attempt,"
            + " lease_until, scheduled_at, started_at, max_attempts FROM scheduler_job_execution"
            + " WHERE execution_id IN (:ids) ORDER BY execution_id FOR UPDATE",
        Map.of("ids", ids),
        rs -> {
          Timestamp until = rs.getTimestamp("lease_until");
          String node = rs.getString("lease_node");
          if (until == null || !until.toInstant().isBefore(now)) {
            return; // renewed or released meanwhile
          }
          released.add(rs.getString("execution_id"));
          int leased = rs.getInt("lease_attempt");
          int attempt = rs.getInt("attempt");
          ExecutionStatus status = ExecutionStatus.valueOf(rs.getString("status"));
          if (node == null || !unended(status, attempt, leased)) {
            return; // its outcome is on record: only the lease goes
          }
          Timestamp started = rs.getTimestamp("started_at");
          abandoned.add(
              new ExecutionEvent(
                  Contracts.SCHEMA_VERSION,
                  ExecutionEventType.ABANDONED,
                  rs.getString("execution_id"),
                  rs.getLong("job_id"),
                  rs.getString("app"),
                  leased,
                  node,
                  now,
                  null,
                  "the lease of node "
                      + node
                      + " ran out at "
                      + until.toInstant()
                      + " without renewal (the node died, stalled or was cut off): the attempt"
                      + " may have partly run there; it runs again as the next attempt",
                  List.of(),
                  null,
                  rs.getTimestamp("scheduled_at").toInstant(),
                  started == null || leased != attempt ? null : started.toInstant(),
                  rs.getInt("max_attempts"),
                  false));
        });
    if (!released.isEmpty()) {
      named.update(
          "UPDATE scheduler_job_execution SET lease_node = NULL, lease_until = NULL"
              + " WHERE execution_id IN (:ids)",
          Map.of("ids", released));
    }
    List<ExecutionIngest.Dispatch> dispatches =
        abandoned.isEmpty() ? List.of() : ingest.events(abandoned);
    return new Outcome(abandoned, dispatches);
  }

  /** Whether the leased attempt has not ended on record. */
  private static boolean unended(ExecutionStatus status, int attempt, int leased) {
    if (attempt != leased) {
      return attempt < leased; // the fire of the leased attempt is not recorded yet
    }
    return status == ExecutionStatus.WAITING
        || status == ExecutionStatus.MISSED
        || status == ExecutionStatus.RUNNING;
  }
}
