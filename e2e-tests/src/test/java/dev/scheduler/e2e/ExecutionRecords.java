package dev.scheduler.e2e;

import dev.scheduler.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** execution-service's records of an app's executions, read from its database for checks. */
final class ExecutionRecords {

  private ExecutionRecords() {}

  /** An execution as execution-service recorded it; times are null until they happened. */
  record Row(
      String executionId,
      String status,
      int attempt,
      String triggerType,
      String nodeId,
      Instant scheduled,
      Instant fired,
      Instant started) {}

  /** The executions of {@code app} due in [{@code from}, {@code to}). */
  static List<Row> dueIn(TestDatabase db, String app, Instant from, Instant to)
      throws SQLException {
    return query(
        db,
        "app = ? AND scheduled_at >= ? AND scheduled_at < ?",
        app,
        Timestamp.from(from),
        Timestamp.from(to));
  }

  /**
   * The executions of {@code app} due in [{@code from}, {@code to}) once at least {@code expected}
   * are recorded, all in one of the {@code ended} statuses, or as they are after {@code atMost}
   * (the caller reports what is missing).
   */
  static List<Row> awaitEnded(
      TestDatabase db,
      String app,
      Instant from,
      Instant to,
      int expected,
      java.util.Set<String> ended,
      java.time.Duration atMost) {
    List<Row> rows = new ArrayList<>();
    try {
      org.awaitility.Awaitility.await()
          .atMost(atMost)
          .pollInterval(java.time.Duration.ofSeconds(2))
          .until(
              () -> {
                rows.clear();
                rows.addAll(dueIn(db, app, from, to));
                return rows.size() >= expected
                    && rows.stream().allMatch(r -> ended.contains(r.status()));
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // the caller reports what is missing or not ended
    }
    return rows;
  }

  /** The executions recorded RUNNING on {@code node}. */
  static List<Row> runningOn(TestDatabase db, String node) throws SQLException {
    return query(db, "status = 'RUNNING' AND node_id = ?", node);
  }

  private static List<Row> query(TestDatabase db, String where, Object... params)
      throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT execution_id, status, attempt, trigger_type, node_id, scheduled_at,"
                    + " fired_at, started_at FROM scheduler_job_execution WHERE "
                    + where)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(
              new Row(
                  r.getString(1),
                  r.getString(2),
                  r.getInt(3),
                  r.getString(4),
                  r.getString(5),
                  r.getTimestamp(6).toInstant(),
                  instant(r.getTimestamp(7)),
                  instant(r.getTimestamp(8))));
        }
      }
    }
    return rows;
  }

  /** "p50 / p99" of {@code values} (any order), "–" when there are none. */
  static String percentiles(List<Long> values) {
    if (values.isEmpty()) {
      return "–";
    }
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get((int) Math.ceil(sorted.size() * 0.50) - 1)
        + " / "
        + sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
