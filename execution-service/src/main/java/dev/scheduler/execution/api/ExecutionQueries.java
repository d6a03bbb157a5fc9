package dev.scheduler.execution.api;

import dev.scheduler.execution.PagedQuery;
import dev.scheduler.support.PageResponse;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads of the execution tables for the API. */
@Component
public class ExecutionQueries {

  /** Durations considered by a summary: the most recent ones, a bound on the work it does. */
  static final int SUMMARY_SAMPLE = 50_000;

  private final JdbcClient jdbc;

  ExecutionQueries(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Filters of the list; null means any.
   *
   * @param jobId one job
   * @param app one app
   * @param status one status
   * @param nodeId one node
   * @param from scheduled at or after
   * @param to scheduled before
   */
  record Filter(Long jobId, String app, String status, String nodeId, Instant from, Instant to) {}

  PageResponse<ExecutionView> list(Filter filter, int page, int size) {
    return new PagedQuery()
        .and("AND job_id = ?", filter.jobId())
        .and("AND app = ?", filter.app())
        .and("AND status = ?", filter.status())
        .and("AND node_id = ?", filter.nodeId())
        .and("AND scheduled_at >= ?", timestamp(filter.from()))
        .and("AND scheduled_at < ?", timestamp(filter.to()))
        .page(
            jdbc,
            "scheduler_job_execution",
            "scheduled_at DESC, id DESC",
            page,
            size,
            ExecutionQueries::view);
  }

  /**
   * One execution with its attempts: those another attempt replaced, kept as they ended, then the
   * current one as the row holds it (unless it is kept already: a failed attempt whose retry is
   * pending).
   */
  public Optional<ExecutionView> find(String executionId) {
    return jdbc.sql("SELECT * FROM scheduler_job_execution WHERE execution_id = ?")
        .param(executionId)
        .query(ExecutionQueries::view)
        .optional()
        .map(view -> view.withAttempts(attempts(view)));
  }

  private List<ExecutionView.AttemptView> attempts(ExecutionView view) {
    List<ExecutionView.AttemptView> attempts =
        new ArrayList<>(
            jdbc.sql(
                    "SELECT * FROM scheduler_job_execution_attempt"
                        + " WHERE execution_id = ? ORDER BY attempt")
                .param(view.executionId())
                .query(
                    (rs, n) ->
                        new ExecutionView.AttemptView(
                            rs.getInt("attempt"),
                            rs.getString("trigger_type"),
                            rs.getString("status"),
                            rs.getString("node_id"),
                            instant(rs.getTimestamp("fired_at")),
                            instant(rs.getTimestamp("started_at")),
                            instant(rs.getTimestamp("finished_at")),
                            rs.getString("error")))
                .list());
    if (attempts.stream().noneMatch(a -> a.attempt() == view.attempt())) {
      attempts.add(
          new ExecutionView.AttemptView(
              view.attempt(),
              view.triggerType(),
              view.status(),
              view.nodeId(),
              view.firedAt(),
              view.startedAt(),
              view.finishedAt(),
              view.error()));
    }
    return attempts;
  }

  /**
   * A line of an execution's log.
   *
   * @param attempt the attempt that wrote it
   * @param seq its position in the attempt's log
   * @param time when it was logged
   * @param level INFO, WARN or ERROR
   * @param message the text
   */
  record LogLineView(int attempt, long seq, Instant time, String level, String message) {}

  /** Lines of an attempt after {@code afterSeq}, in order. */
  List<LogLineView> log(String executionId, int attempt, long afterSeq, int limit) {
    return jdbc.sql(
            "SELECT * FROM scheduler_job_log WHERE execution_id = ? AND attempt = ? AND seq > ?"
                + " ORDER BY seq LIMIT ?")
        .params(executionId, attempt, afterSeq, limit)
        .query(ExecutionQueries::line)
        .list();
  }

  /** The last {@code count} lines of an attempt, in order. */
  List<LogLineView> tail(String executionId, int attempt, int count) {
    List<LogLineView> last =
        new ArrayList<>(
            jdbc.sql(
                    "SELECT * FROM scheduler_job_log WHERE execution_id = ? AND attempt = ?"
                        + " ORDER BY seq DESC LIMIT ?")
                .params(executionId, attempt, count)
                .query(ExecutionQueries::line)
                .list());
    java.util.Collections.reverse(last);
    return last;
  }

  /**
   * Counts by status and run durations of a job's executions due since {@code since}.
   *
   * @param jobId the job
   * @param since the start of the window
   * @param window its length, as asked
   * @param counts executions per status
   * @param runs executions with a start and an end
   * @param p50 median run time, null without runs
   * @param p95 95th percentile run time, null without runs
   */
  record Summary(
      long jobId,
      Instant since,
      Duration window,
      Map<String, Long> counts,
      long runs,
      Duration p50,
      Duration p95) {}

  Summary summary(long jobId, Instant since, Duration window) {
    Map<String, Long> counts = new TreeMap<>();
    jdbc.sql(
            "SELECT status, COUNT(*) FROM scheduler_job_execution WHERE job_id = ?"
                + " AND scheduled_at >= ? GROUP BY status")
        .params(jobId, Timestamp.from(since))
        .query(
            rs -> {
              counts.put(rs.getString(1), rs.getLong(2));
            });
    List<Long> millis =
        new ArrayList<>(
            jdbc.sql(
                    "SELECT started_at, finished_at FROM scheduler_job_execution WHERE job_id = ?"
                        + " AND scheduled_at >= ? AND started_at IS NOT NULL"
                        + " AND finished_at IS NOT NULL ORDER BY scheduled_at DESC LIMIT ?")
                .params(jobId, Timestamp.from(since), SUMMARY_SAMPLE)
                .query(
                    (rs, n) ->
                        Duration.between(
                                rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant())
                            .toMillis())
                .list());
    millis.sort(null);
    return new Summary(
        jobId,
        since,
        window,
        counts,
        millis.size(),
        percentile(millis, 0.50),
        percentile(millis, 0.95));
  }

  /** Nearest-rank percentile. */
  static Duration percentile(List<Long> sortedMillis, double p) {
    if (sortedMillis.isEmpty()) {
      return null;
    }
    int rank = (int) Math.ceil(p * sortedMillis.size());
    return Duration.ofMillis(sortedMillis.get(Math.max(0, rank - 1)));
  }

  private static ExecutionView view(ResultSet rs, int n) throws SQLException {
    Long timeout = rs.getObject("timeout_ms", Long.class);
    return new ExecutionView(
        rs.getString("execution_id"),
        rs.getString("fire_id"),
        rs.getLong("job_id"),
        rs.getString("app"),
        rs.getString("job_type"),
        rs.getString("handler"),
        rs.getInt("shard_index"),
        rs.getInt("shard_total"),
        rs.getString("shard_parameter"),
        rs.getString("status"),
        rs.getInt("attempt"),
        rs.getInt("max_attempts"),
        rs.getString("node_id"),
        rs.getString("trigger_type"),
        instant(rs.getTimestamp("scheduled_at")),
        instant(rs.getTimestamp("fired_at")),
        instant(rs.getTimestamp("started_at")),
        instant(rs.getTimestamp("finished_at")),
        instant(rs.getTimestamp("next_retry_at")),
        timeout == null ? null : Duration.ofMillis(timeout),
        rs.getString("result"),
        rs.getString("error"),
        rs.getString("trace_id"),
        rs.getLong("log_lines"),
        rs.getBoolean("log_truncated"),
        rs.getInt("duplicate_events"),
        List.of());
  }

  private static LogLineView line(ResultSet rs, int n) throws SQLException {
    return new LogLineView(
        rs.getInt("attempt"),
        rs.getLong("seq"),
        instant(rs.getTimestamp("logged_at")),
        rs.getString("level"),
        rs.getString("message"));
  }

  private static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
