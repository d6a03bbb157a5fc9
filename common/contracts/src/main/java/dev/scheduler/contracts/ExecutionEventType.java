package dev.scheduler.contracts;

/** What an agent reports about one attempt of an execution. */
public enum ExecutionEventType {
  /** The handler began to run on the reporting node. */
  STARTED(false),
  /** A batch of log lines; says nothing about the state. */
  LOG(false),
  /** The handler returned normally. */
  SUCCEEDED(true),
  /** The handler threw or the job type reported failure. */
  FAILED(true),
  /** The handler ran past its timeout and was interrupted. */
  TIMED_OUT(true),
  /** An operator's cancel command, or a later fire covering this one, stopped it. */
  CANCELLED(true),
  /** The agent refused to run it (block strategy, unknown handler, agent shutting down). */
  REJECTED(true),
  /**
   * The agent stopped before the handler finished (it was shutting down and its grace ran out); the
   * attempt did not complete and should run on another agent.
   */
  ABANDONED(true),
  /**
   * The agent lost the lease it held the attempt under (it could not renew it in time, or the lease
   * was given up for it): the handler was interrupted and its result, if any, was not reported. The
   * attempt may have partly run; it runs again as the next attempt once the lease has run out.
   */
  LEASE_LOST(true),
  /**
   * Sent by execution-service, not an agent: no agent started the attempt within the dispatch
   * timeout. Not an outcome: an agent may still take the fire later and move it on.
   */
  MISSED(false);

  private final boolean terminal;

  ExecutionEventType(boolean terminal) {
    this.terminal = terminal;
  }

  /** Whether this event ends the attempt. */
  public boolean terminal() {
    return terminal;
  }
}
