package dev.scheduler.execution.api;

import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.ControlCommand;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.ProblemCode;
import dev.scheduler.execution.ingest.Dispatcher;
import dev.scheduler.execution.state.ExecutionStatus;
import dev.scheduler.support.ApiException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * What an operator can do to an execution: run it again now, or cancel it. Both lock the row, so
 * two operators clicking at once get one effect and one 409; the broker send happens inside the
 * transaction, so a send the broker refused changes nothing (503).
 */
@Component
class ExecutionCommands {

  private final JdbcClient jdbc;
  private final Dispatcher dispatcher;
  private final Clock clock;

  ExecutionCommands(JdbcClient jdbc, Dispatcher dispatcher, Clock clock) {
    this.jdbc = jdbc;
    this.dispatcher = dispatcher;
    this.clock = clock;
  }

  private record Locked(
      ExecutionStatus status, int attempt, String app, String nodeId, String fireEvent) {}

  /** Sends the next attempt now; only for an execution that has ended. */
  @Transactional
  public int retry(String executionId) {
    Locked row = lock(executionId);
    if (!row.status().terminal() && row.status() != ExecutionStatus.MISSED) {
      throw new ApiException(
          ProblemCode.STATE_CONFLICT,
          "execution " + executionId + " is " + row.status() + "; it can be retried once it ended");
    }
    if (row.fireEvent() == null) {
      throw new ApiException(
          ProblemCode.STATE_CONFLICT,
          "execution " + executionId + " has no fire event yet; nothing to run again");
    }
    Instant now = clock.instant();
    int next = row.attempt() + 1;
    // The attempt that ended goes into the history as it ended, before the row moves on.
    jdbc.sql(
            "INSERT INTO scheduler_job_execution_attempt (execution_id, attempt, trigger_type,"
                + " status, node_id, fired_at, started_at, finished_at, error)"
                + " SELECT execution_id, attempt, trigger_type, status, node_id, fired_at,"
                + " started_at, finished_at, error FROM scheduler_job_execution e"
                + " WHERE execution_id = ? AND NOT EXISTS (SELECT 1 FROM"
                + " scheduler_job_execution_attempt a WHERE a.execution_id = e.execution_id"
                + " AND a.attempt = e.attempt)")
        .param(executionId)
        .update();
    jdbc.sql(
            "UPDATE scheduler_job_execution SET status = 'RETRYING', trigger_type = 'MANUAL',"
                + " next_retry_at = ?, version = version + 1, updated_at = ?"
                + " WHERE execution_id = ?")
        .params(Timestamp.from(now), Timestamp.from(now), executionId)
        .update();
    FireEvent fire = Json.fromJson(row.fireEvent(), FireEvent.class);
    send(() -> dispatcher.send(fire.nextAttempt(next, now), 0));
    return next;
  }

  /**
   * Cancels a waiting or running execution: a running one through its agent (which reports
   * CANCELLED), a waiting one at once (and its agent is told too, in case one holds it).
   */
  @Transactional
  public ExecutionStatus cancel(String executionId, String requestedBy, String reason) {
    Locked row = lock(executionId);
    Instant now = clock.instant();
    String why = "cancelled by " + requestedBy + (reason == null ? "" : ": " + reason);
    switch (row.status()) {
      case WAITING -> {
        jdbc.sql(
                "UPDATE scheduler_job_execution SET status = 'CANCELLED', finished_at = ?,"
                    + " error = ?, version = version + 1, updated_at = ? WHERE execution_id = ?")
            .params(Timestamp.from(now), why, Timestamp.from(now), executionId)
            .update();
      }
      case RUNNING -> {
        // the agent interrupts the handler and reports CANCELLED
      }
      default ->
          throw new ApiException(
              ProblemCode.STATE_CONFLICT,
              "execution "
                  + executionId
                  + " is "
                  + row.status()
                  + "; only a WAITING or RUNNING"
                  + " execution can be cancelled");
    }
    ControlCommand command =
        new ControlCommand(
            Contracts.SCHEMA_VERSION,
            ControlCommand.Type.CANCEL,
            executionId,
            row.attempt(),
            row.app(),
            row.nodeId(),
            requestedBy,
            reason,
            now);
    send(() -> dispatcher.control(command));
    return row.status() == ExecutionStatus.WAITING
        ? ExecutionStatus.CANCELLED
        : ExecutionStatus.RUNNING;
  }

  private Locked lock(String executionId) {
    return jdbc.sql(
            "SELECT status, attempt, app, node_id, fire_event FROM scheduler_job_execution"
                + " WHERE execution_id = ? FOR UPDATE")
        .param(executionId)
        .query(
            (rs, n) ->
                new Locked(
                    ExecutionStatus.valueOf(rs.getString("status")),
                    rs.getInt("attempt"),
                    rs.getString("app"),
                    rs.getString("node_id"),
                    rs.getString("fire_event")))
        .optional()
        .orElseThrow(() -> ApiException.notFound("execution " + executionId));
  }

  private static void send(Runnable send) {
    try {
      send.run();
    } catch (IllegalStateException e) {
      throw new ApiException(
          ProblemCode.SERVICE_UNAVAILABLE, "the broker did not take the command; nothing changed");
    }
  }
}
