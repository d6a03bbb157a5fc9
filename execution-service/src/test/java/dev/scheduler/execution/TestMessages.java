package dev.scheduler.execution;

import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Ids;
import dev.scheduler.contracts.JobType;
import dev.scheduler.contracts.LogLine;
import dev.scheduler.contracts.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Fire and execution events as job-service and the agents send them, for execution tests. */
public final class TestMessages {

  private TestMessages() {}

  /**
   * Shard 0 of the fire of job {@code jobId} of {@code app} due at {@code due}, handler "report".
   */
  public static FireEvent fire(long jobId, String app, Instant due, RetryPolicy policy) {
    String fireId = Ids.fireId(jobId, due);
    return new FireEvent(
        Contracts.SCHEMA_VERSION,
        jobId,
        fireId,
        Ids.executionId(fireId, 0),
        app,
        JobType.BEAN,
        "report",
        null,
        null,
        0,
        1,
        null,
        due,
        due,
        Duration.ofMinutes(1),
        1,
        policy,
        null,
        fireId);
  }

  /**
   * What agent "node-a" reports about {@code fire}'s attempt at {@code at}: result "ok" for
   * SUCCEEDED, error "boom" for FAILED.
   */
  public static ExecutionEvent event(
      FireEvent fire, ExecutionEventType type, int attempt, Instant at) {
    return new ExecutionEvent(
        Contracts.SCHEMA_VERSION,
        type,
        fire.executionId(),
        fire.jobId(),
        fire.app(),
        attempt,
        "node-a",
        at,
        type == ExecutionEventType.SUCCEEDED ? "ok" : null,
        type == ExecutionEventType.FAILED ? "boom" : null,
        List.of(),
        fire.traceId());
  }

  /** What agent {@code node} reports about {@code fire}'s attempt at {@code at}. */
  public static ExecutionEvent event(
      FireEvent fire, ExecutionEventType type, int attempt, Instant at, String node) {
    ExecutionEvent event = event(fire, type, attempt, at);
    return new ExecutionEvent(
        event.schemaVersion(),
        event.type(),
        event.executionId(),
        event.jobId(),
        event.app(),
        attempt,
        node,
        at,
        event.result(),
        event.error(),
        List.of(),
        event.traceId(),
        fire.scheduledTime(),
        type.terminal() ? at : null,
        fire.retryPolicy().maxAttempts(),
        false);
  }

  /** A LOG event carrying {@code lines}, numbered from 1. */
  public static ExecutionEvent log(FireEvent fire, int attempt, Instant at, String... lines) {
    List<LogLine> logLines = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      logLines.add(new LogLine(i + 1, at, "INFO", lines[i]));
    }
    return event(fire, ExecutionEventType.LOG, attempt, at).withLogLines(logLines);
  }
}
