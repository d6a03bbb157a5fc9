package dev.scheduler.execution.store;

import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.execution.state.ExecutionStatus;
import dev.scheduler.execution.state.Transition;
import java.time.Instant;

/**
 * A row of {@code scheduler_job_execution} as the ingest works on it: the state machine's part plus
 * what the fire event brought and the counters.
 *
 * @param executionId the execution
 * @param state status, attempt, node, times, result and error
 * @param fireEvent the fire event as received (JSON), null until it arrived
 * @param triggerType what made the current attempt run: SCHEDULE, MANUAL, RETRY or FAILOVER
 * @param logLines lines stored
 * @param logBytes characters stored
 * @param logTruncated whether lines were dropped beyond the bounds
 * @param duplicateEvents redelivered events counted and ignored
 */
public record ExecutionRow(
    String executionId,
    Transition.State state,
    String fireEvent,
    String triggerType,
    long logLines,
    long logBytes,
    boolean logTruncated,
    int duplicateEvents) {

  /** The fire event, null until it arrived. */
  public FireEvent fire() {
    return fireEvent == null ? null : Json.fromJson(fireEvent, FireEvent.class);
  }

  /** The retry policy of the job as the fire event carried it; none before the fire arrived. */
  public RetryPolicy retryPolicy() {
    FireEvent fire = fire();
    return fire == null ? RetryPolicy.NONE : fire.retryPolicy();
  }

  public ExecutionStatus status() {
    return state.status();
  }

  ExecutionRow withState(Transition.State newState) {
    return new ExecutionRow(
        executionId,
        newState,
        fireEvent,
        triggerType,
        logLines,
        logBytes,
        logTruncated,
        duplicateEvents);
  }

  ExecutionRow withFire(FireEvent fire, String newTriggerType) {
    return new ExecutionRow(
        executionId,
        state,
        Json.toJson(fire),
        newTriggerType,
        logLines,
        logBytes,
        logTruncated,
        duplicateEvents);
  }

  ExecutionRow withTriggerType(String newTriggerType) {
    return new ExecutionRow(
        executionId,
        state,
        fireEvent,
        newTriggerType,
        logLines,
        logBytes,
        logTruncated,
        duplicateEvents);
  }

  ExecutionRow withLog(long lines, long bytes, boolean truncated) {
    return new ExecutionRow(
        executionId, state, fireEvent, triggerType, lines, bytes, truncated, duplicateEvents);
  }

  ExecutionRow duplicate() {
    return new ExecutionRow(
        executionId,
        state,
        fireEvent,
        triggerType,
        logLines,
        logBytes,
        logTruncated,
        duplicateEvents + 1);
  }

  static Instant max(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }
}
