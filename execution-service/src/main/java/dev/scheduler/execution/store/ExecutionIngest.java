package dev.scheduler.execution.store;

import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Ids;
import dev.scheduler.contracts.LogLine;
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
import java.util.Collection;
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
 * Writes what the broker brings into the execution tables, a batch of messages per transaction:
 * makes sure every execution named in the batch has a row (one upsert statement), locks the rows in
 * id order, runs the state machine over the batch in memory, and writes the changed rows, attempts
 * and log lines with one batched statement each. Redelivered and out-of-order messages land on the
 * same rows and change nothing they should not; they are counted.
 */
@Component
public class ExecutionIngest {

  /** Columns read into an {@link ExecutionRow}. */
  private static final String ROW_COLUMNS =
      "execution_id, status, attempt, max_attempts, node_id, started_at, finished_at,"
          + " next_retry_at, result, error, fire_event, trigger_type, log_lines, log_bytes,"
          + " log_truncated, duplicate_events";

  private final JdbcTemplate jdbc;
  private final NamedParameterJdbcTemplate named;
  private final TransactionTemplate transactions;
  private final IngestProperties properties;
  private final Clock clock;
  private final Map<Verdict, Counter> verdicts = new EnumMap<>(Verdict.class);
  private final Counter transactionsCommitted;

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
    return apply(fires, List.of());
  }

  /**
   * Records agents' execution events and returns the attempts to dispatch now that the batch is
   * committed (retries after their backoff, failovers at once).
   */
  public List<Dispatch> events(List<ExecutionEvent> events) {
    if (events.isEmpty()) {
      return List.of();
    }
    return apply(List.of(), events);
  }

  private List<Dispatch> apply(List<FireEvent> fires, List<ExecutionEvent> events) {
    transactionsCommitted.increment();
    return transactions.execute(
        status -> {
          Instant now = clock.instant();
          // Sorted: two batches inserting the same new rows lock them in the same order.
          Map<String, Skeleton> skeletons = new java.util.TreeMap<>();
          fires.forEach(f -> skeletons.putIfAbsent(f.executionId(), Skeleton.of(f)));
          events.forEach(e -> skeletons.putIfAbsent(e.executionId(), Skeleton.of(e)));
          ensureRows(skeletons.values(), now);
          Map<String, ExecutionRow> rows = lock(skeletons.keySet());
          Batch batch = new Batch(rows);
          fires.forEach(f -> batch.fire(f, now));
          events.forEach(e -> batch.event(e));
          write(batch, now);
          return batch.dispatches;
        });
  }

  /** What is known of an execution before its row exists. */
  private record Skeleton(
      String executionId, long jobId, String app, int shard, int shards, Instant scheduled) {
    static Skeleton of(FireEvent fire) {
      return new Skeleton(
          fire.executionId(),
          fire.jobId(),
          fire.app(),
          fire.shardIndex(),
          fire.shardTotal(),
          fire.scheduledTime());
    }

    static Skeleton of(ExecutionEvent event) {
      Ids.ExecutionIdParts parts = Ids.parseExecutionId(event.executionId());
      return new Skeleton(
          event.executionId(),
          event.jobId(),
          event.app(),
          parts.shardIndex(),
          1,
          parts.scheduledTime());
    }
  }

  /** One statement creates the rows that do not exist yet and leaves the others alone. */
  private void ensureRows(Collection<Skeleton> skeletons, Instant now) {
    Timestamp at = Timestamp.from(now);
    jdbc.batchUpdate(
        "INSERT INTO scheduler_job_execution (execution_id, fire_id, job_id, app, shard_index,"
            + " shard_total, status, attempt, max_attempts, trigger_type, scheduled_at,"
            + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'WAITING', 1, 1, 'SCHEDULE', ?,"
            + " ?, ?) ON DUPLICATE KEY UPDATE execution_id = execution_id",
        new ArrayList<>(skeletons),
        500,
        (ps, s) -> {
          ps.setString(1, s.executionId());
          ps.setString(2, Ids.fireId(s.jobId(), s.scheduled()));
          ps.setLong(3, s.jobId());
          ps.setString(4, s.app() == null ? "" : s.app());
          ps.setInt(5, s.shard());
          ps.setInt(6, s.shards());
          ps.setTimestamp(7, Timestamp.from(s.scheduled()));
          ps.setTimestamp(8, at);
          ps.setTimestamp(9, at);
        });
  }

  /** Locks the rows in id order, so two batches never wait on each other in a cycle. */
  private Map<String, ExecutionRow> lock(Collection<String> executionIds) {
    Map<String, ExecutionRow> rows = new HashMap<>();
    named.query(
        "SELECT "
            + ROW_COLUMNS
            + " FROM scheduler_job_execution WHERE execution_id IN (:ids)"
            + " ORDER BY execution_id FOR UPDATE",
        Map.of("ids", new TreeSet<>(executionIds)),
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
                  rs.getString("fire_event"),
                  rs.getString("trigger_type"),
                  rs.getLong("log_lines"),
                  rs.getLong("log_bytes"),
                  rs.getBoolean("log_truncated"),
                  rs.getInt("duplicate_events"));
          rows.put(row.executionId(), row);
        });
    return rows;
  }

  /** The batch worked out in memory. */
  private final class Batch {
    private final Map<String, ExecutionRow> rows;
    private final Map<String, ExecutionRow> changed = new LinkedHashMap<>();
    private final Map<String, AttemptRow> attempts = new LinkedHashMap<>();
    private final List<LogRow> lines = new ArrayList<>();
    private final List<Dispatch> dispatches = new ArrayList<>();

    Batch(Map<String, ExecutionRow> rows) {
      this.rows = rows;
    }

    private void put(ExecutionRow row) {
      rows.put(row.executionId(), row);
      changed.put(row.executionId(), row);
    }

    void fire(FireEvent fire, Instant now) {
      ExecutionRow row = rows.get(fire.executionId());
      boolean firstArrival = row.fireEvent() == null;
      Transition.Result result = Transition.onFire(row.state(), fire);
      if (result.verdict() == Verdict.APPLIED) {
        String trigger = fire.attempt() == 1 ? "SCHEDULE" : row.triggerType();
        ExecutionRow moved = row.withState(result.state()).withFire(fire, trigger);
        put(moved);
        attempt(moved, fire.attempt(), ExecutionStatus.WAITING, fire.firedTime());
        count(Verdict.APPLIED);
        return;
      }
      if (!firstArrival) {
        if (result.verdict() == Verdict.DUPLICATE) {
          put(row.duplicate());
        }
        count(result.verdict());
        return;
      }
      // The first arrival of the fire for a row its events made: take what the fire brings, and
      // the retry policy, which decides about an attempt that already failed.
      ExecutionRow filled =
          row.withFire(fire, row.triggerType())
              .withState(withMaxAttempts(row.state(), fire.retryPolicy().maxAttempts()));
      if (filled.status() == ExecutionStatus.FAILED
          || filled.status() == ExecutionStatus.TIMED_OUT) {
        Transition.Result retry =
            Transition.afterEnd(
                filled.state(),
                filled.state().finishedAt() == null ? now : filled.state().finishedAt(),
                fire.retryPolicy());
        filled = next(filled.withState(retry.state()), retry);
      }
      put(filled);
      if (filled.status() == ExecutionStatus.WAITING) {
        attempt(filled, fire.attempt(), ExecutionStatus.WAITING, fire.firedTime());
      }
      count(Verdict.APPLIED);
    }

    void event(ExecutionEvent event) {
      ExecutionRow row = rows.get(event.executionId());
      if (event.type() == ExecutionEventType.LOG) {
        log(row, event);
        return;
      }
      if (event.type() == null) {
        count(Verdict.STALE); // a type this version does not know
        return;
      }
      Transition.Result result = Transition.onEvent(row.state(), event, row.retryPolicy());
      count(result.verdict());
      switch (result.verdict()) {
        case DUPLICATE -> put(row.duplicate());
        case STALE -> {
          if (!result.state().equals(row.state())) {
            put(row.withState(result.state()));
            attempt(rows.get(row.executionId()), event.attempt(), null, null);
          }
        }
        case APPLIED -> {
          ExecutionRow moved = next(row.withState(result.state()), result);
          put(moved);
          attempt(moved, event.attempt(), ExecutionStatus.of(event.type()), null);
        }
      }
    }

    /** Notes the next attempt a result asks for, and marks the row with why it will run. */
    private ExecutionRow next(ExecutionRow row, Transition.Result result) {
      if (result.next() == null) {
        return row;
      }
      FireEvent fire = row.fire();
      if (fire == null) {
        return row; // decided again when the fire event arrives
      }
      if (result.next() == Transition.Next.FAILOVER && fire.targetNode() != null) {
        return row; // a broadcast's share belongs to its node: gone with it
      }
      int nextAttempt = row.state().attempt() + 1;
      dispatches.add(
          new Dispatch(
              fire.nextAttempt(nextAttempt, clock.instant().plus(result.nextDelay())),
              result.nextDelay(),
              result.next()));
      return row.withTriggerType(result.next().name());
    }

    private void log(ExecutionRow row, ExecutionEvent event) {
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
      put(row.withLog(count, chars, truncated));
      count(Verdict.APPLIED);
    }

    /**
     * Notes what the batch learnt about one attempt; {@code status} null keeps the stored status (a
     * late event only fills in times).
     */
    private void attempt(ExecutionRow row, int attempt, ExecutionStatus status, Instant firedAt) {
      String key = row.executionId() + "#" + attempt;
      AttemptRow earlier = attempts.get(key);
      Transition.State state = row.state();
      boolean current = state.attempt() == attempt;
      ExecutionStatus known = status != null ? status : earlier != null ? earlier.status() : null;
      boolean ended = known != null && known.terminal();
      attempts.put(
          key,
          new AttemptRow(
              row.executionId(),
              attempt,
              row.triggerType(),
              known,
              current ? state.nodeId() : null,
              firedAt != null ? firedAt : earlier != null ? earlier.firedAt() : null,
              current ? state.startedAt() : null,
              current && ended ? state.finishedAt() : null,
              current && ended ? state.error() : null));
    }

    private void count(Verdict verdict) {
      verdicts.get(verdict).increment();
    }
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

  private record AttemptRow(
      String executionId,
      int attempt,
      String triggerType,
      ExecutionStatus status,
      String nodeId,
      Instant firedAt,
      Instant startedAt,
      Instant finishedAt,
      String error) {}

  private record LogRow(String executionId, int attempt, LogLine line) {}

  private void write(Batch batch, Instant now) {
    Timestamp at = Timestamp.from(now);
    jdbc.batchUpdate(
        "UPDATE scheduler_job_execution SET status = ?, attempt = ?, max_attempts = ?,"
            + " node_id = ?, started_at = ?, finished_at = ?, next_retry_at = ?, result = ?,"
            + " error = ?, trigger_type = ?, log_lines = ?, log_bytes = ?, log_truncated = ?,"
            + " duplicate_events = ?, fire_event = ?, job_type = COALESCE(?, job_type),"
            + " handler = COALESCE(?, handler), shard_total = COALESCE(?, shard_total),"
            + " shard_parameter = COALESCE(?, shard_parameter), fired_at = COALESCE(?, fired_at),"
            + " timeout_ms = COALESCE(?, timeout_ms), trace_id = COALESCE(?, trace_id),"
            + " version = version + 1, updated_at = ? WHERE execution_id = ?",
        new ArrayList<>(batch.changed.values()),
        500,
        (ps, row) -> {
          Transition.State s = row.state();
          FireEvent fire = row.fire();
          ps.setString(1, s.status().name());
          ps.setInt(2, s.attempt());
          ps.setInt(3, s.maxAttempts());
          ps.setString(4, s.nodeId());
          ps.setTimestamp(5, timestamp(s.startedAt()));
          ps.setTimestamp(6, timestamp(s.finishedAt()));
          ps.setTimestamp(7, timestamp(s.nextRetryAt()));
          ps.setString(8, s.result());
          ps.setString(9, s.error());
          ps.setString(10, row.triggerType());
          ps.setLong(11, row.logLines());
          ps.setLong(12, row.logBytes());
          ps.setBoolean(13, row.logTruncated());
          ps.setInt(14, row.duplicateEvents());
          ps.setString(15, row.fireEvent());
          ps.setString(16, fire == null || fire.jobType() == null ? null : fire.jobType().name());
          ps.setString(17, fire == null ? null : fire.handler());
          setInt(ps, 18, fire == null ? null : fire.shardTotal());
          ps.setString(19, fire == null ? null : fire.shardParameter());
          ps.setTimestamp(20, fire == null ? null : timestamp(fire.firedTime()));
          setLong(
              ps, 21, fire == null || fire.timeout() == null ? null : fire.timeout().toMillis());
          ps.setString(22, fire == null ? null : fire.traceId());
          ps.setTimestamp(23, at);
          ps.setString(24, row.executionId());
        });
    // Two plain statements, not one upsert with VALUES(): MariaDB's driver cannot batch that form.
    List<AttemptRow> known =
        batch.attempts.values().stream().filter(a -> a.status() != null).toList();
    jdbc.batchUpdate(
        "INSERT INTO scheduler_job_execution_attempt (execution_id, attempt, trigger_type, status)"
            + " VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE execution_id = execution_id",
        known,
        500,
        (ps, a) -> {
          ps.setString(1, a.executionId());
          ps.setInt(2, a.attempt());
          ps.setString(3, a.triggerType() == null ? "SCHEDULE" : a.triggerType());
          ps.setString(4, a.status().name());
        });
    jdbc.batchUpdate(
        "UPDATE scheduler_job_execution_attempt SET trigger_type = ?, status = ?,"
            + " node_id = COALESCE(?, node_id), fired_at = COALESCE(?, fired_at),"
            + " started_at = COALESCE(?, started_at), finished_at = COALESCE(?, finished_at),"
            + " error = COALESCE(?, error) WHERE execution_id = ? AND attempt = ?",
        known,
        500,
        (ps, a) -> {
          ps.setString(1, a.triggerType() == null ? "SCHEDULE" : a.triggerType());
          ps.setString(2, a.status().name());
          ps.setString(3, a.nodeId());
          ps.setTimestamp(4, timestamp(a.firedAt()));
          ps.setTimestamp(5, timestamp(a.startedAt()));
          ps.setTimestamp(6, timestamp(a.finishedAt()));
          ps.setString(7, a.error());
          ps.setString(8, a.executionId());
          ps.setInt(9, a.attempt());
        });
    // A late event of an attempt whose status is stored already only fills in where and when.
    jdbc.batchUpdate(
        "UPDATE scheduler_job_execution_attempt SET node_id = COALESCE(node_id, ?),"
            + " started_at = COALESCE(started_at, ?) WHERE execution_id = ? AND attempt = ?",
        batch.attempts.values().stream().filter(a -> a.status() == null).toList(),
        500,
        (ps, a) -> {
          ps.setString(1, a.nodeId());
          ps.setTimestamp(2, timestamp(a.startedAt()));
          ps.setString(3, a.executionId());
          ps.setInt(4, a.attempt());
        });
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
