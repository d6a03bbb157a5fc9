package dev.scheduler.job.trigger;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** {@code scheduler_job_trigger}: the next and previous fire of every scheduled job. */
class TriggerStore {

  /** States of a trigger row. */
  enum State {
    WAITING,
    PAUSED,
    COMPLETE
  }

  /**
   * A trigger due to fire.
   *
   * @param jobId the job
   * @param nextFireAt when it is due, epoch ms
   * @param priority higher fires first among equals
   */
  record Due(long jobId, long nextFireAt, int priority) {}

  /**
   * What a pass decided for a trigger: move it from {@code expectedNext} to {@code next}.
   *
   * @param jobId the job
   * @param expectedNext the due time the pass read; the move is dropped if the row changed since
   * @param next the following fire, null if none is left
   * @param previous the last fire published
   */
  record Advance(long jobId, long expectedNext, Instant next, Instant previous) {}

  private final JdbcClient jdbc;
  private final JdbcTemplate template;
  private final int partitions;

  TriggerStore(JdbcClient jdbc, JdbcTemplate template, int partitions) {
    this.jdbc = jdbc;
    this.template = template;
    this.partitions = partitions;
  }

  int partitionOf(long jobId) {
    return (int) Math.floorMod(jobId, (long) partitions);
  }

  /** Creates or replaces the trigger of a job, in one statement (no read-then-write race). */
  void put(long jobId, State state, Instant next, int priority, Instant now) {
    State effective = next == null ? State.COMPLETE : state;
    Long nextMillis = next == null ? null : next.toEpochMilli();
    jdbc.sql(
            "INSERT INTO scheduler_job_trigger (job_id, partition_no, state, next_fire_at,"
                + " priority, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
                + " state = VALUES(state), next_fire_at = VALUES(next_fire_at),"
                + " priority = VALUES(priority), updated_at = VALUES(updated_at)")
        .params(
            jobId, partitionOf(jobId), effective.name(), nextMillis, priority, Timestamp.from(now))
        .update();
  }

  void delete(long jobId) {
    jdbc.sql("DELETE FROM scheduler_job_trigger WHERE job_id = ?").param(jobId).update();
  }

  /** Moves a trigger between WAITING and PAUSED; a COMPLETE one stays complete. */
  void setState(long jobId, State from, State to, Instant now) {
    jdbc.sql(
            "UPDATE scheduler_job_trigger SET state = ?, updated_at = ? WHERE job_id = ? AND state = ?")
        .params(to.name(), Timestamp.from(now), jobId, from.name())
        .update();
  }

  /** Fire times of several jobs in one query; a job without a trigger gets none. */
  Map<Long, TriggerEngine.FireTimes> fireTimes(Collection<Long> jobIds) {
    Map<Long, TriggerEngine.FireTimes> times = new HashMap<>();
    jobIds.forEach(id -> times.put(id, TriggerEngine.FireTimes.NONE));
    if (jobIds.isEmpty()) {
      return times;
    }
    jdbc.sql(
            "SELECT job_id, prev_fire_at, next_fire_at FROM scheduler_job_trigger"
                + " WHERE job_id IN (:ids)")
        .param("ids", jobIds)
        .query(
            (rs, row) ->
                times.put(
                    rs.getLong("job_id"),
                    new TriggerEngine.FireTimes(
                        instant(rs.getObject("prev_fire_at")),
                        instant(rs.getObject("next_fire_at")))))
        .list();
    return times;
  }

  /** Up to {@code limit} waiting triggers of a partition due at or before {@code until}. */
  List<Due> due(int partition, Instant until, int limit) {
    return jdbc.sql(
            "SELECT job_id, next_fire_at, priority FROM scheduler_job_trigger"
                + " WHERE partition_no = ? AND state = 'WAITING' AND next_fire_at <= ?"
                + " ORDER BY next_fire_at, priority DESC LIMIT ?")
        .params(partition, until.toEpochMilli(), limit)
        .query((rs, row) -> new Due(rs.getLong(1), rs.getLong(2), rs.getInt(3)))
        .list();
  }

  /** When the earliest waiting trigger of a partition is due, null if none waits. */
  Instant nextDue(int partition) {
    Long next =
        jdbc.sql(
                "SELECT MIN(next_fire_at) FROM scheduler_job_trigger"
                    + " WHERE partition_no = ? AND state = 'WAITING'")
            .param(partition)
            .query(Long.class)
            .optional()
            .orElse(null);
    return next == null ? null : Instant.ofEpochMilli(next);
  }

  /**
   * Applies the moves of a pass in one batch. A move whose row changed meanwhile (rescheduled,
   * paused, deleted) is dropped: the change wins.
   */
  void advance(List<Advance> moves, Instant now) {
    template.batchUpdate(
        "UPDATE scheduler_job_trigger SET next_fire_at = ?, prev_fire_at = COALESCE(?, prev_fire_at),"
            + " state = ?,"
            + " updated_at = ? WHERE job_id = ? AND next_fire_at = ? AND state = 'WAITING'",
        moves,
        500,
        (ps, move) -> {
          ps.setObject(1, move.next() == null ? null : move.next().toEpochMilli());
          ps.setObject(2, move.previous() == null ? null : move.previous().toEpochMilli());
          ps.setString(3, move.next() == null ? State.COMPLETE.name() : State.WAITING.name());
          ps.setTimestamp(4, Timestamp.from(now));
          ps.setLong(5, move.jobId());
          ps.setLong(6, move.expectedNext());
        });
  }

  private static Instant instant(Object millis) {
    return millis == null ? null : Instant.ofEpochMilli(((Number) millis).longValue());
  }
}
