package dev.scheduler.execution.state;

import dev.scheduler.contracts.ExecutionEventType;

/**
 * Where an execution stands. An execution moves forward only: each status has a phase within its
 * attempt, and a later attempt always outranks an earlier one (see {@link Rank}).
 */
public enum ExecutionStatus {
  /** Fired; no agent reported it started. */
  WAITING(0),
  /**
   * No agent started it within the dispatch timeout. Not an end: the fire stays in the broker, and
   * an agent taking it later moves the execution on.
   */
  MISSED(1),
  /** An agent runs it. */
  RUNNING(2),
  SUCCEEDED(3),
  FAILED(3),
  TIMED_OUT(3),
  CANCELLED(3),
  /** The agent refused it (unknown handler, block strategy). */
  REJECTED(3),
  /**
   * The attempt's holder went away before it ended: the agent stopped before the handler finished,
   * or its lease ran out unrenewed. Runs again as a new attempt.
   */
  ABANDONED(3),
  /**
   * The agent lost the lease it held the attempt under and stopped the handler; its result, if any,
   * was not reported. Runs again as a new attempt once the lease has run out.
   */
  LEASE_LOST(3),
  /** Failed or timed out with attempts left: the next attempt is scheduled. */
  RETRYING(4);

  private final int phase;

  ExecutionStatus(int phase) {
    this.phase = phase;
  }

  /** Position within an attempt: WAITING, MISSED, RUNNING, ended, retry scheduled. */
  public int phase() {
    return phase;
  }

  /** Whether the execution has ended for good (no further attempt is scheduled). */
  public boolean terminal() {
    return phase == 3;
  }

  /** The status an agent's event reports; null for LOG, which reports none. */
  public static ExecutionStatus of(ExecutionEventType type) {
    return switch (type) {
      case STARTED -> RUNNING;
      case LOG -> null;
      case SUCCEEDED -> SUCCEEDED;
      case FAILED -> FAILED;
      case TIMED_OUT -> TIMED_OUT;
      case CANCELLED -> CANCELLED;
      case REJECTED -> REJECTED;
      case ABANDONED -> ABANDONED;
      case LEASE_LOST -> LEASE_LOST;
      case MISSED -> MISSED;
    };
  }
}
