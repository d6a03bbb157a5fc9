package dev.scheduler.execution.store;

import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.execution.state.ExecutionStatus;
import dev.scheduler.execution.state.Transition;
import java.time.Instant;

/**
 * A row of {@code scheduler_job_execution} as the ingest works on it: the state machine's part plus
 * what the fire event brought and the counters.
 *
 * <p>The stored fire event is read only when the batch needs it (an outcome that may run again
 * needs the retry policy and the event to re-send), and written only when it arrives: it is the
 * biggest column of the row, and most changes of a row do not touch it.
 *
 * @param executionId the execution
 * @param state status, attempt, node, times, result and error
 * @param fire the fire event; null until it arrived, or when the batch did not need to read it
 * @param fireArrived whether the fire event is known (stored or in this batch)
 * @param fireChanged whether this batch brought the fire event, so that it is written
 * @param firedAt when the current attempt was sent
 * @param triggerType what made the current attempt run: SCHEDULE, MANUAL, RETRY or FAILOVER
 * @param logLines lines stored
 * @param logBytes characters stored
 * @param logTruncated whether lines were dropped beyond the bounds
 * @param duplicateEvents redelivered events counted and ignored
 */
record ExecutionRow(
    String executionId,
    Transition.State state,
    FireEvent fire,
    boolean fireArrived,
    boolean fireChanged,
    Instant firedAt,
    String triggerType,
    long logLines,
    long logBytes,
    boolean logTruncated,
    int duplicateEvents) {

  /** A new execution made by its fire event. */
  static ExecutionRow fired(FireEvent fire) {
    return new ExecutionRow(
        fire.executionId(),
        Transition.waiting(fire),
        fire,
        true,
        true,
        fire.firedTime(),
        triggerOf(fire),
        0,
        0,
        false,
        0);
  }

  /** What made a fire run: its schedule or an operator (first attempt), else a retry. */
  static String triggerOf(FireEvent fire) {
    if (fire.attempt() > 1) {
      return "RETRY";
    }
    return fire.manual() ? "MANUAL" : "SCHEDULE";
  }

  /** A new execution whose agent's events arrived before its fire event. */
  static ExecutionRow unfired(String executionId) {
    return new ExecutionRow(
        executionId,
        new Transition.State(ExecutionStatus.WAITING, 1, 1, null, null, null, null, null, null),
        null,
        false,
        false,
        null,
        "SCHEDULE",
        0,
        0,
        false,
        0);
  }

  /**
   * The retry policy of the job as the fire event carried it; none before the fire arrived.
   *
   * @throws IllegalStateException when the fire event arrived but was not read for this batch
   */
  RetryPolicy retryPolicy() {
    if (fire != null) {
      return fire.retryPolicy();
    }
    if (fireArrived) {
      throw new IllegalStateException("fire event of " + executionId + " was not read");
    }
    return RetryPolicy.NONE;
  }

  ExecutionStatus status() {
    return state.status();
  }

  ExecutionRow withState(Transition.State newState) {
    return new ExecutionRow(
        executionId,
        newState,
        fire,
        fireArrived,
        fireChanged,
        firedAt,
        triggerType,
        logLines,
        logBytes,
        logTruncated,
        duplicateEvents);
  }

  ExecutionRow withFire(FireEvent newFire, String newTriggerType) {
    return new ExecutionRow(
        executionId,
        state,
        newFire,
        true,
        true,
        newFire.firedTime(),
        newTriggerType,
        logLines,
        logBytes,
        logTruncated,
        duplicateEvents);
  }

  /** The stored fire event, read for this batch. */
  ExecutionRow withStoredFire(FireEvent stored) {
    return new ExecutionRow(
        executionId,
        state,
        stored,
        true,
        fireChanged,
        firedAt,
        triggerType,
        logLines,
        logBytes,
        logTruncated,
        duplicateEvents);
  }

  ExecutionRow withTriggerType(String newTriggerType) {
    return new ExecutionRow(
        executionId,
        state,
        fire,
        fireArrived,
        fireChanged,
        firedAt,
        newTriggerType,
        logLines,
        logBytes,
        logTruncated,
        duplicateEvents);
  }

  ExecutionRow withLog(long lines, long bytes, boolean truncated) {
    return new ExecutionRow(
        executionId,
        state,
        fire,
        fireArrived,
        fireChanged,
        firedAt,
        triggerType,
        lines,
        bytes,
        truncated,
        duplicateEvents);
  }

  ExecutionRow duplicate() {
    return new ExecutionRow(
        executionId,
        state,
        fire,
        fireArrived,
        fireChanged,
        firedAt,
        triggerType,
        logLines,
        logBytes,
        logTruncated,
        duplicateEvents + 1);
  }
}
