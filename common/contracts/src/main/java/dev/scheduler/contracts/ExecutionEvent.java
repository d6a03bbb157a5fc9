package dev.scheduler.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What an agent reports about an attempt, on {@link Topics#EXECUTION} (tag: the event type, key:
 * the execution id). Consumers are idempotent on execution id, attempt and type.
 *
 * @param schemaVersion {@link Contracts#SCHEMA_VERSION} of the writer
 * @param type what happened; null when a newer writer sent a type this reader does not know
 * @param executionId the execution
 * @param jobId the job definition
 * @param app the executor group
 * @param attempt the attempt this event is about
 * @param nodeId the agent instance that reports
 * @param time when it happened on the agent, UTC
 * @param result the handler's result (SUCCEEDED), cut to {@link Contracts#MAX_RESULT_CHARS}
 * @param error what went wrong (FAILED, TIMED_OUT, CANCELLED, REJECTED), cut to {@link
 *     Contracts#MAX_ERROR_CHARS}
 * @param logLines log lines (LOG; on an outcome, the attempt's last lines, so that a short run
 *     needs no LOG event of its own), at most {@link Contracts#MAX_LOG_LINES_PER_EVENT}
 * @param traceId the fire's trace id
 * @param scheduledTime when the fire was due (from the fire event); null when the writer did not
 *     say
 * @param startedTime when the attempt started, on events that end it; null otherwise or unknown
 * @param maxAttempts the retry policy's attempts (from the fire event), so that a reader can tell a
 *     failure that will be retried from the last one; 0 when the writer did not say
 * @param startIncluded on an outcome: no STARTED event was sent for this attempt (it ended before
 *     its start was due to be reported), so this event reports the start as well, at {@code
 *     startedTime}; readers count it as a start too
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExecutionEvent(
    int schemaVersion,
    ExecutionEventType type,
    String executionId,
    long jobId,
    String app,
    int attempt,
    String nodeId,
    Instant time,
    String result,
    String error,
    List<LogLine> logLines,
    String traceId,
    Instant scheduledTime,
    Instant startedTime,
    int maxAttempts,
    boolean startIncluded) {

  /** An event without the fire's timing and retry policy (execution-service's own). */
  public ExecutionEvent(
      int schemaVersion,
      ExecutionEventType type,
      String executionId,
      long jobId,
      String app,
      int attempt,
      String nodeId,
      Instant time,
      String result,
      String error,
      List<LogLine> logLines,
      String traceId) {
    this(
        schemaVersion,
        type,
        executionId,
        jobId,
        app,
        attempt,
        nodeId,
        time,
        result,
        error,
        logLines,
        traceId,
        null,
        null,
        0,
        false);
  }

  public ExecutionEvent {
    schemaVersion = Contracts.versionOrCurrent(schemaVersion);
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(time, "time");
    attempt = Math.max(1, attempt);
    maxAttempts = Math.max(0, maxAttempts);
    result = Bounded.text(result, Contracts.MAX_RESULT_CHARS);
    error = Bounded.text(error, Contracts.MAX_ERROR_CHARS);
    logLines = logLines == null ? List.of() : List.copyOf(logLines);
    if (logLines.size() > Contracts.MAX_LOG_LINES_PER_EVENT) {
      throw new IllegalArgumentException(
          "an event carries at most "
              + Contracts.MAX_LOG_LINES_PER_EVENT
              + " log lines, got "
              + logLines.size());
    }
  }

  /** An event about the attempt of {@code fire} that this node runs, without result or lines. */
  public static ExecutionEvent of(
      ExecutionEventType type, FireEvent fire, String nodeId, Instant time) {
    return new ExecutionEvent(
        Contracts.SCHEMA_VERSION,
        type,
        fire.executionId(),
        fire.jobId(),
        fire.app(),
        fire.attempt(),
        nodeId,
        time,
        null,
        null,
        List.of(),
        fire.traceId(),
        fire.scheduledTime(),
        null,
        fire.retryPolicy().maxAttempts(),
        false);
  }

  /**
   * Whether this event ends the execution for good as far as its retry policy goes: an outcome
   * other than a failure or timeout, or one of the last attempt. A failure with attempts left is
   * retried. (Whether an abandoned attempt runs elsewhere is execution-service's to decide.)
   */
  public boolean lastAttemptEnded() {
    if (type == null || !type.terminal()) {
      return false;
    }
    boolean failure = type == ExecutionEventType.FAILED || type == ExecutionEventType.TIMED_OUT;
    return !failure || maxAttempts == 0 || attempt >= maxAttempts;
  }

  /**
   * When the attempt started, if this event reports its start: a STARTED event's time, or the start
   * an outcome includes; null otherwise.
   */
  public Instant reportedStart() {
    if (type == ExecutionEventType.STARTED) {
      return time;
    }
    return startIncluded && type != null && type.terminal() ? startedTime : null;
  }

  /** This event with a result text (cut to its bound). */
  public ExecutionEvent withResult(String newResult) {
    return copy(newResult, error, logLines, scheduledTime, startedTime, startIncluded);
  }

  /** This event with an error text (cut to its bound). */
  public ExecutionEvent withError(String newError) {
    return copy(result, newError, logLines, scheduledTime, startedTime, startIncluded);
  }

  /** This event carrying {@code lines}. */
  public ExecutionEvent withLogLines(List<LogLine> lines) {
    return copy(result, error, lines, scheduledTime, startedTime, startIncluded);
  }

  /** This event telling when the attempt started, and when its fire was due. */
  public ExecutionEvent withTiming(Instant newScheduledTime, Instant newStartedTime) {
    return copy(result, error, logLines, newScheduledTime, newStartedTime, startIncluded);
  }

  /** This outcome reporting its attempt's start as well: no STARTED event was sent for it. */
  public ExecutionEvent withStartIncluded() {
    return copy(result, error, logLines, scheduledTime, startedTime, true);
  }

  /** This event with what an agent adds to it; who, what and when stay. */
  private ExecutionEvent copy(
      String newResult,
      String newError,
      List<LogLine> newLines,
      Instant newScheduledTime,
      Instant newStartedTime,
      boolean newStartIncluded) {
    return new ExecutionEvent(
        schemaVersion,
        type,
        executionId,
        jobId,
        app,
        attempt,
        nodeId,
        time,
        newResult,
        newError,
        newLines,
        traceId,
        newScheduledTime,
        newStartedTime,
        maxAttempts,
        newStartIncluded);
  }
}
