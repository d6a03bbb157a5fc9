package dev.scheduler.execution.store;

import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Ids;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.LogLine;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.execution.state.ExecutionStatus;
import dev.scheduler.execution.state.Transition;
import dev.scheduler.execution.state.Transition.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes what the broker brings into the execution tables, a batch of messages per transaction:
 * locks the stored rows the batch names (one statement, in id order), runs the state machine over
 * the batch in memory, then inserts the new rows and updates the changed ones with one batched
 * statement each. Redelivered and out-of-order messages land on the same rows and change nothing
 * they should not; they are counted.
 *
 * <p>Each row holds its current attempt; an attempt that another one replaces is copied into {@code
 * scheduler_job_execution_attempt} at that moment, so the common execution (one attempt) costs one
 * insert and one update per batch that touches it, not a row per attempt and status.
 *
 * <p>Two batches naming the same new execution (its fire and its first report, or two replicas) may
 * both find no row and both insert it: the later one fails on the unique key, rolls back and runs
 * again, now finding the row. So do the losers of a deadlock.
 */
@Component
public class ExecutionIngest {

  /** Columns read into an {@link ExecutionRow}. */
  private static final String ROW_COLUMNS =
      "execution_id, status, attempt, max_attempts, node_id, started_at, finished_at,"
          + " next_retry_at, result, error, fired_at, trigger_type, log_lines, log_bytes,"
          + " log_truncated, duplicate_events, fire_event IS NOT NULL AS fire_arrived";

  private final JdbcTemplate jdbc;
  private final NamedParameterJdbcTemplate named;
  private final TransactionTemplate transactions;
  private final IngestProperties properties;
  private final Clock clock;
  private final Map<Verdict, Counter> verdicts = new EnumMap<>(Verdict.class);
  private final Counter transactionsCommitted;
  private final Counter racesLost;

  public ExecutionIngest(
      JdbcTemplate jdbc,
      TransactionTemplate transactions,
      IngestProperties properties,
      Clock clock,
      MeterRegistry meters) {
    this.jdbc = jdbc;
    this.named = new NamedParameterJdbcTemplate(jdbc);
    this.transactions = transactions;
    this.properties = properties;
    this.clock = clock;
    this.transactionsCommitted =
        Counter.builder("scheduler.execution.ingest.transactions")
            .description("batches written, one transaction each")
            .register(meters);
    this.racesLost =
        Counter.builder("scheduler.execution.ingest.rerun")
            .description("batches run again after losing a race for a row or a lock")
            .register(meters);
    for (Verdict verdict : Verdict.values()) {
      verdicts.put(
          verdict,
          Counter.builder("scheduler.execution.ingested")
              .tag("verdict", verdict.name())
              .description("fire and execution events applied, duplicated or stale")
              .register(meters));
    }
  }

  /**
   * Another attempt to dispatch after the batch committed.
   *
   * @param fire the attempt's fire event
   * @param delay how long before it is due
   * @param why RETRY or FAILOVER
   */
  public record Dispatch(FireEvent fire, Duration delay, Transition.Next why) {}

  /**
   * Records fire events: a WAITING execution per event, or the next attempt of one. Returns the
   * retries to dispatch: an outcome that arrived before its fire event is decided on when the fire
   * (with the job's retry policy) arrives.
   */
  public List<Dispatch> fires(List<FireEvent> fires) {
    if (fires.isEmpty()) {
      return List.of();
    }
    return write(fires, List.of());
  }

  /**
   * Records agents' execution events and returns the attempts to dispatch now that the batch is
   * committed (retries after their backoff, failovers at once).
   */
  public List<Dispatch> events(List<ExecutionEvent> events) {
    if (events.isEmpty()) {
      return List.of();
    }
    return write(List.of(), events);
  }

  /**
   * Records fire and execution events in one transaction and returns the attempts to dispatch once
   * it committed.
   */
  public List<Dispatch> write(List<FireEvent> fires, List<ExecutionEvent> events) {
    List<Dispatch> dispatches =
        RaceReruns.inTransaction(
            transactions, () -> applyOnce(fires, events), racesLost::increment);
    transactionsCommitted.increment();
    return dispatches;
  }

  private List<Dispatch> applyOnce(List<FireEvent> fires, List<ExecutionEvent> events) {
    Instant now = clock.instant();
    Set<String> ids = new TreeSet<>();
    fires.forEach(f -> ids.add(f.executionId()));
    events.forEach(e -> ids.add(e.executionId()));
    Set<String> fireNeeded = new TreeSet<>();
    events.stream()
        .filter(e -> mayRunAgain(e.type()))
        .forEach(e -> fireNeeded.add(e.executionId()));
    Batch batch = new Batch(lock(ids, fireNeeded));
    fires.forEach(f -> batch.fire(f, now));
    events.forEach(batch::event);
    write(batch, now);
    return batch.dispatches;
  }

  /**
   * Whether an outcome of this type may ask for another attempt, which needs the job's retry policy
   * and the fire event to re-send.
   */
  private static boolean mayRunAgain(ExecutionEventType type) {
    return type == ExecutionEventType.FAILED
        || type == ExecutionEventType.TIMED_OUT
        || type == ExecutionEventType.ABANDONED
        || type == ExecutionEventType.LEASE_LOST;
  }

  /**
   * Whether an outcome of this type tells that the handler's thread is done with the attempt (it
   * returned, threw, or never ran), so that its lease can go: the next attempt need not wait for it
   * to run out. A timeout, cancel or shutdown is reported while the thread may still run; its agent
   * releases the lease itself once it has stopped.
   */
  private static boolean releasesLease(ExecutionEventType type) {
    return type == ExecutionEventType.SUCCEEDED
        || type == ExecutionEventType.FAILED
        || type == ExecutionEventType.REJECTED;
  }

  private static boolean mayRunAgain(ExecutionStatus status) {
    return status == ExecutionStatus.FAILED
        || status == ExecutionStatus.TIMED_OUT
        || status == ExecutionStatus.ABANDONED
        || status == ExecutionStatus.LEASE_LOST;
  }

  /** What is known of an execution before its row exists. */
  private record Skeleton(
      String executionId, long jobId, String app, int shard, Instant scheduled) {
    static Skeleton of(FireEvent fire) {
      return new Skeleton(
          fire.executionId(), fire.jobId(), fire.app(), fire.shardIndex(), fire.scheduledTime());
    }

    static Skeleton of(ExecutionEvent event) {
      Ids.ExecutionIdParts parts = Ids.parseExecutionId(event.executionId());
      return new Skeleton(
          event.executionId(),
          event.jobId(),
          event.app(),
          parts.shardIndex(),
          parts.scheduledTime());
    }
  }

  /**
   * Locks the stored rows in id order, so two batches never wait on each other in a cycle, and
   * reads the fire events of those in {@code fireNeeded}.
   */
  private Map<String, ExecutionRow> lock(Set<String> executionIds, Set<String> fireNeeded) {
    Map<String, ExecutionRow> rows = new HashMap<>();
    named.query(
        "SELECT "
            + ROW_COLUMNS
            + " FROM scheduler_job_execution WHERE execution_id IN (:ids)"
            + " ORDER BY execution_id FOR UPDATE",
        Map.of("ids", executionIds),
        rs -> {
          ExecutionRow row =
              new ExecutionRow(
                  rs.getString("execution_id"),
                  new Transition.State(
                      ExecutionStatus.valueOf(rs.getString("status")),
                      rs.getInt("attempt"),
                      rs.getInt("max_attempts"),
                      rs.getString("node_id"),
                      instant(rs.getTimestamp("started_at")),
                      instant(rs.getTimestamp("finished_at")),
                      instant(rs.getTimestamp("next_retry_at")),
                      rs.getString("result"),
                      rs.getString("error")),
                  null,
                  rs.getBoolean("fire_arrived"),
                  false,
                  instant(rs.getTimestamp("fired_at")),
                  rs.getString("trigger_type"),
                  rs.getLong("log_lines"),
                  rs.getLong("log_bytes"),
                  rs.getBoolean("log_truncated"),
                  rs.getInt("duplicate_events"));
          rows.put(row.executionId(), row);
        });
    List<String> withFire =
        fireNeeded.stream()
            .filter(id -> rows.containsKey(id) && rows.get(id).fireArrived())
            .toList();
    if (!withFire.isEmpty()) {
      named.query(
          "SELECT execution_id, fire_event FROM scheduler_job_execution"
              + " WHERE execution_id IN (:ids)",
          Map.of("ids", withFire),
          rs -> {
            String id = rs.getString("execution_id");
            FireEvent stored = Json.fromJson(rs.getString("fire_event"), FireEvent.class);
            rows.put(id, rows.get(id).withStoredFire(stored));
          });
    }
    return rows;
  }

  /** The batch worked out in memory. */
  private final class Batch {
    private final Map<String, ExecutionRow> rows;

    /** Executions with no stored row: inserted, in id order. */
    private final Map<String, Skeleton> fresh = new TreeMap<>();

    private final Map<String, ExecutionRow> changed = new LinkedHashMap<>();
    private final Map<String, AttemptRow> replaced = new LinkedHashMap<>();
    private final List<LogRow> lines = new ArrayList<>();
    private final List<Dispatch> dispatches = new ArrayList<>();

    /** Leases the outcomes in this batch give up, if their reporting node still holds them. */
    private final List<LeaseReleases.Release> releases = new ArrayList<>();

    Batch(Map<String, ExecutionRow> rows) {
      this.rows = rows;
    }

    private void put(ExecutionRow row) {
      rows.put(row.executionId(), row);
      changed.put(row.executionId(), row);
    }

    void fire(FireEvent fire, Instant now) {
      ExecutionRow row = rows.get(fire.executionId());
      if (row == null) {
        fresh.put(fire.executionId(), Skeleton.of(fire));
        put(ExecutionRow.fired(fire));
        count(Verdict.APPLIED);
        return;
      }
      Transition.Result result = Transition.onFire(row.state(), fire);
      if (result.verdict() == Verdict.APPLIED) {
        String trigger = fire.attempt() == 1 ? ExecutionRow.triggerOf(fire) : row.triggerType();
        replace(row, fire.attempt());
        put(row.withState(result.state()).withFire(fire, trigger));
        count(Verdict.APPLIED);
        return;
      }
      if (row.fireArrived()) {
        if (result.verdict() == Verdict.DUPLICATE) {
          put(row.duplicate());
        }
        count(result.verdict());
        return;
      }
      // The first arrival of the fire for a row its events made: take what the fire brings, and
      // the retry policy, which decides about an attempt that already failed.
      ExecutionRow filled =
          row.withFire(
                  fire,
                  row.state().attempt() == 1 ? ExecutionRow.triggerOf(fire) : row.triggerType())
              .withState(withMaxAttempts(row.state(), fire.retryPolicy().maxAttempts()));
      if (mayRunAgain(filled.status())) {
        Transition.Result retry =
            Transition.afterEnd(
                filled.state(),
                filled.state().finishedAt() == null ? now : filled.state().finishedAt(),
                fire.retryPolicy());
        filled = next(filled, retry, filled.status());
      }
      put(filled);
      count(Verdict.APPLIED);
    }

    void event(ExecutionEvent event) {
      ExecutionRow row = rows.get(event.executionId());
      if (row == null) {
        fresh.put(event.executionId(), Skeleton.of(event));
        row = ExecutionRow.unfired(event.executionId());
        put(row);
      }
      if (event.type() == ExecutionEventType.LOG) {
        put(withLines(row, event));
        count(Verdict.APPLIED);
        return;
      }
      if (event.type() == null) {
        count(Verdict.STALE); // a type this version does not know
        return;
      }
      if (releasesLease(event.type()) && event.nodeId() != null) {
        releases.add(
            new LeaseReleases.Release(event.executionId(), event.nodeId(), event.attempt()));
      }
      // Only an outcome that may run again consults the policy; the batch read its fire event.
      RetryPolicy policy = mayRunAgain(event.type()) ? row.retryPolicy() : RetryPolicy.NONE;
      Transition.Result result = Transition.onEvent(row.state(), event, policy);
      count(result.verdict());
      switch (result.verdict()) {
        case DUPLICATE -> put(row.duplicate()); // its lines came with the first delivery
        case STALE -> {
          if (!result.state().equals(row.state()) || !event.logLines().isEmpty()) {
            put(withLines(row.withState(result.state()), event));
          }
        }
        case APPLIED -> {
          replace(row, event.attempt());
          put(withLines(next(row, result, ExecutionStatus.of(event.type())), event));
        }
      }
    }

    /**
     * The row moved to the result's state; notes the next attempt the result asks for, keeps the
     * attempt that ended (as {@code ended}: FAILED, TIMED_OUT, ABANDONED) in the history, and marks
     * the row with why the next one will run.
     */
    private ExecutionRow next(
        ExecutionRow before, Transition.Result result, ExecutionStatus ended) {
      ExecutionRow row = before.withState(result.state());
      if (result.next() == null) {
        return row;
      }
      FireEvent fire = row.fire();
      if (fire == null) {
        // decided again when the fire event arrives
        return before.withState(Transition.endedAs(result.state(), ended));
      }
      if (result.next() == Transition.Next.FAILOVER && fire.targetNode() != null) {
        // a broadcast's share belongs to its node: gone with it
        return before.withState(Transition.endedAs(result.state(), ended));
      }
      replaced.putIfAbsent(key(row), AttemptRow.of(row, ended));
      int nextAttempt = row.state().attempt() + 1;
      dispatches.add(
          new Dispatch(
              fire.nextAttempt(nextAttempt, clock.instant().plus(result.nextDelay())),
              result.nextDelay(),
              result.next()));
      return row.withTriggerType(result.next().name());
    }

    /** Keeps the row's current attempt in the history when an attempt after it arrives. */
    private void replace(ExecutionRow row, int incomingAttempt) {
      if (incomingAttempt > row.state().attempt()) {
        replaced.putIfAbsent(key(row), AttemptRow.of(row, row.status()));
      }
    }

    /**
     * Keeps the event's log lines (a LOG event's, or the last ones an outcome carries) within the
     * execution's bounds; the row with its line counters.
     */
    private ExecutionRow withLines(ExecutionRow row, ExecutionEvent event) {
      if (event.logLines().isEmpty()) {
        return row;
      }
      long count = row.logLines();
      long chars = row.logBytes();
      boolean truncated = row.logTruncated();
      for (LogLine line : event.logLines()) {
        int size = line.message().length();
        if (count >= properties.maxLogLines() || chars + size > properties.maxLogChars()) {
          truncated = true;
          continue;
        }
        lines.add(new LogRow(event.executionId(), event.attempt(), line));
        count++;
        chars += size;
      }
      return row.withLog(count, chars, truncated);
    }

    private void count(Verdict verdict) {
      verdicts.get(verdict).increment();
    }
  }

  private static String key(ExecutionRow row) {
    return row.executionId() + "#" + row.state().attempt();
  }

  private static Transition.State withMaxAttempts(Transition.State state, int maxAttempts) {
    return new Transition.State(
        state.status(),
        state.attempt(),
        maxAttempts,
        state.nodeId(),
        state.startedAt(),
        state.finishedAt(),
        state.nextRetryAt(),
        state.result(),
        state.error());
  }

  /** An attempt another one replaced, as it ended. */
  private record AttemptRow(
      String executionId,
      int attempt,
      String triggerType,
      ExecutionStatus status,
      String nodeId,
      Instant firedAt,
      Instant startedAt,
      Instant finishedAt,
      String error) {
    static AttemptRow of(ExecutionRow row, ExecutionStatus status) {
      Transition.State state = row.state();
      return new AttemptRow(
          row.executionId(),
          state.attempt(),
          row.triggerType(),
          status,
          state.nodeId(),
          row.firedAt(),
          state.startedAt(),
          state.finishedAt(),
          state.error());
    }
  }

  private record LogRow(String executionId, int attempt, LogLine line) {}

  private void write(Batch batch, Instant now) {
    Timestamp at = Timestamp.from(now);
    List<ExecutionRow> inserted = batch.fresh.keySet().stream().map(batch.rows::get).toList();
    if (!inserted.isEmpty()) {
      jdbc.batchUpdate(
          "INSERT INTO scheduler_job_execution (execution_id, fire_id, job_id, app, shard_index,"
              + " scheduled_at, created_at, status, attempt, max_attempts, node_id, started_at,"
              + " finished_at, next_retry_at, result, error, trigger_type, log_lines, log_bytes,"
              + " log_truncated, duplicate_events, fire_event, job_type, handler, shard_total,"
              + " shard_parameter, fired_at, timeout_ms, trace_id, updated_at) VALUES (?, ?, ?, ?,"
              + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
              // shard_total: one shard until the fire event says otherwise
              + " COALESCE(?, 1), ?, ?, ?, ?, ?)",
          inserted,
          500,
          (ps, row) -> {
            Skeleton s = batch.fresh.get(row.executionId());
            ps.setString(1, s.executionId());
            ps.setString(2, Ids.fireId(s.jobId(), s.scheduled()));
            ps.setLong(3, s.jobId());
            ps.setString(4, s.app() == null ? "" : s.app());
            ps.setInt(5, s.shard());
            ps.setTimestamp(6, Timestamp.from(s.scheduled()));
            ps.setTimestamp(7, at);
            setRow(ps, 8, row, at);
          });
    }
    List<ExecutionRow> updated =
        batch.changed.values().stream()
            .filter(row -> !batch.fresh.containsKey(row.executionId()))
            .toList();
    if (!updated.isEmpty()) {
      jdbc.batchUpdate(
          "UPDATE scheduler_job_execution SET status = ?, attempt = ?, max_attempts = ?,"
              + " node_id = ?, started_at = ?, finished_at = ?, next_retry_at = ?, result = ?,"
              + " error = ?, trigger_type = ?, log_lines = ?, log_bytes = ?, log_truncated = ?,"
              + " duplicate_events = ?, fire_event = COALESCE(?, fire_event),"
              + " job_type = COALESCE(?, job_type), handler = COALESCE(?, handler),"
              + " shard_total = COALESCE(?, shard_total),"
              + " shard_parameter = COALESCE(?, shard_parameter), fired_at = COALESCE(?, fired_at),"
              + " timeout_ms = COALESCE(?, timeout_ms), trace_id = COALESCE(?, trace_id),"
              + " updated_at = ?, version = version + 1 WHERE execution_id = ?",
          updated,
          500,
          (ps, row) -> {
            setRow(ps, 1, row, at);
            ps.setString(24, row.executionId());
          });
    }
    if (!batch.replaced.isEmpty()) {
      jdbc.batchUpdate(
          "INSERT INTO scheduler_job_execution_attempt (execution_id, attempt, trigger_type,"
              + " status, node_id, fired_at, started_at, finished_at, error) VALUES (?, ?, ?, ?,"
              + " ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE execution_id = execution_id",
          new ArrayList<>(batch.replaced.values()),
          500,
          (ps, a) -> {
            ps.setString(1, a.executionId());
            ps.setInt(2, a.attempt());
            ps.setString(3, a.triggerType());
            ps.setString(4, a.status().name());
            ps.setString(5, a.nodeId());
            ps.setTimestamp(6, timestamp(a.firedAt()));
            ps.setTimestamp(7, timestamp(a.startedAt()));
            ps.setTimestamp(8, timestamp(a.finishedAt()));
            ps.setString(9, a.error());
          });
    }
    LeaseReleases.apply(jdbc, batch.releases);
    if (!batch.lines.isEmpty()) {
      jdbc.batchUpdate(
          "INSERT INTO scheduler_job_log (execution_id, attempt, seq, logged_at, level, message)"
              + " VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE seq = seq",
          batch.lines,
          500,
          (ps, l) -> {
            ps.setString(1, l.executionId());
            ps.setInt(2, l.attempt());
            ps.setLong(3, l.line().seq());
            ps.setTimestamp(4, Timestamp.from(l.line().time()));
            ps.setString(5, l.line().level());
            ps.setString(6, l.line().message());
          });
    }
  }

  /**
   * Sets the 23 columns an insert and an update share, from {@code first} on: the state, the
   * counters, then what the fire brought (null when this batch did not bring it, which an update
   * keeps as stored) and {@code updated_at}.
   */
  private static void setRow(PreparedStatement ps, int first, ExecutionRow row, Timestamp at)
      throws SQLException {
    Transition.State s = row.state();
    FireEvent fire = row.fireChanged() ? row.fire() : null;
    int i = first;
    ps.setString(i++, s.status().name());
    ps.setInt(i++, s.attempt());
    ps.setInt(i++, s.maxAttempts());
    ps.setString(i++, s.nodeId());
    ps.setTimestamp(i++, timestamp(s.startedAt()));
    ps.setTimestamp(i++, timestamp(s.finishedAt()));
    ps.setTimestamp(i++, timestamp(s.nextRetryAt()));
    ps.setString(i++, s.result());
    ps.setString(i++, s.error());
    ps.setString(i++, row.triggerType());
    ps.setLong(i++, row.logLines());
    ps.setLong(i++, row.logBytes());
    ps.setBoolean(i++, row.logTruncated());
    ps.setInt(i++, row.duplicateEvents());
    ps.setString(i++, fire == null ? null : Json.toJson(fire));
    ps.setString(i++, fire == null || fire.jobType() == null ? null : fire.jobType().name());
    ps.setString(i++, fire == null ? null : fire.handler());
    setInt(ps, i++, fire == null ? null : fire.shardTotal());
    ps.setString(i++, fire == null ? null : fire.shardParameter());
    ps.setTimestamp(i++, fire == null ? null : timestamp(fire.firedTime()));
    setLong(ps, i++, fire == null || fire.timeout() == null ? null : fire.timeout().toMillis());
    ps.setString(i++, fire == null ? null : fire.traceId());
    ps.setTimestamp(i, at);
  }

  private static void setInt(PreparedStatement ps, int index, Integer value) throws SQLException {
    if (value == null) {
      ps.setNull(index, java.sql.Types.INTEGER);
    } else {
      ps.setInt(index, value);
    }
  }

  private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, java.sql.Types.BIGINT);
    } else {
      ps.setLong(index, value);
    }
  }

  private static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
