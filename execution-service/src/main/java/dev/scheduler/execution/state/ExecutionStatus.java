package dev.scheduler.execution.state;

import dev.scheduler.contracts.ExecutionEventType;

/**
 * Where an execution stands. An execution moves forward only: each status has a phase within its
 * attempt, and a later attempt always outranks an earlier one (see {@link Rank}).
 */
public enum ExecutionStatus {
  /** Fired; no agent reported it started. */
  WAITING(0),
  /** An agent runs it. */
  RUNNING(1),
  SUCCEEDED(2),
  FAILED(2),
  TIMED_OUT(2),
  CANCELLED(2),
  /** The agent refused it (unknown handler, block strategy). */
  REJECTED(2),
  /** The agent stopped before the handler finished; re-dispatched as a new attempt. */
  ABANDONED(2),
  /** No agent started it within the dispatch bound, after every re-dispatch. */
  MISSED(2),
  /** Failed or timed out with attempts left: the next attempt is scheduled. */
  RETRYING(3);

  private final int phase;

  ExecutionStatus(int phase) {
    this.phase = phase;
  }

  /** Position within an attempt: WAITING, RUNNING, ended, retry scheduled. */
  public int phase() {
    return phase;
  }

  /** Whether the execution has ended for good (no further attempt is scheduled). */
  public boolean terminal() {
    return phase == 2;
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
    };
  }
}
