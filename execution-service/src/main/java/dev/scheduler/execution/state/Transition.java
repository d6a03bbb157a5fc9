package dev.scheduler.execution.state;

import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.RetryPolicy;
import java.time.Duration;
import java.time.Instant;

/**
 * The execution state machine as a pure function: what an incoming fire or agent event does to an
 * execution as stored. Out-of-order events are fine: an event ranking above the row moves it; one
 * ranking the same is a duplicate; one ranking below is stale and only fills in what the row lacks
 * (a STARTED arriving after the outcome still gives the start time and node).
 */
public final class Transition {

  /**
   * Failovers (ABANDONED by a stopping agent or a lease that ran out, LEASE_LOST) re-dispatch
   * beyond the retry policy's attempts, up to this many times, so a job that kills its agents
   * cannot loop.
   */
  public static final int FAILOVER_ATTEMPTS = 3;

  private Transition() {}

  /** What became of an event. */
  public enum Verdict {
    /** It moved the execution forward. */
    APPLIED,
    /** It said what the row already says: a redelivery. */
    DUPLICATE,
    /** It arrived after a later state; only missing details were taken. */
    STALE
  }

  /**
   * The execution as stored; the fields the state machine reads and writes.
   *
   * @param status where it stands
   * @param attempt the current attempt
   * @param maxAttempts the retry policy's attempts
   * @param nodeId the agent running or last running it
   * @param startedAt when the current attempt started
   * @param finishedAt when it ended
   * @param nextRetryAt when the next attempt is due (RETRYING)
   * @param result the handler's result
   * @param error what went wrong
   */
  public record State(
      ExecutionStatus status,
      int attempt,
      int maxAttempts,
      String nodeId,
      Instant startedAt,
      Instant finishedAt,
      Instant nextRetryAt,
      String result,
      String error) {

    Rank rank() {
      return Rank.of(attempt, status);
    }
  }

  /**
   * The outcome of applying an event.
   *
   * @param verdict applied, duplicate or stale
   * @param state the row as it should be stored (unchanged for a duplicate)
   * @param next the attempt to dispatch, when the event ended an attempt that runs again; null
   *     otherwise
   * @param nextDelay how long before that attempt is due
   */
  public record Result(Verdict verdict, State state, Next next, Duration nextDelay) {
    static Result of(Verdict verdict, State state) {
      return new Result(verdict, state, null, Duration.ZERO);
    }
  }

  /** Why another attempt runs. */
  public enum Next {
    /** The retry policy asks for it after a failure or timeout. */
    RETRY,
    /** The agent could not finish it (shutdown, death): it runs on another agent. */
    FAILOVER
  }

  /** A new execution created by its fire event. */
  public static State waiting(FireEvent fire) {
    return new State(
        ExecutionStatus.WAITING,
        fire.attempt(),
        fire.retryPolicy().maxAttempts(),
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** A fire event (first attempt, retry or failover) arriving for an execution already stored. */
  public static Result onFire(State current, FireEvent fire) {
    Rank incoming = new Rank(fire.attempt(), ExecutionStatus.WAITING.phase());
    int cmp = incoming.compareTo(current.rank());
    if (cmp > 0) {
      return Result.of(
          Verdict.APPLIED,
          new State(
              ExecutionStatus.WAITING,
              fire.attempt(),
              current.maxAttempts(),
              null,
              null,
              null,
              null,
              null,
              null));
    }
    return Result.of(cmp == 0 ? Verdict.DUPLICATE : Verdict.STALE, current);
  }

  /**
   * An agent's event arriving for an execution.
   *
   * @param policy the execution's retry policy, deciding whether a failure runs again
   */
  public static Result onEvent(State current, ExecutionEvent event, RetryPolicy policy) {
    ExecutionStatus reported = ExecutionStatus.of(event.type());
    if (reported == null) {
      return Result.of(Verdict.APPLIED, current); // LOG: lines only
    }
    Rank incoming = Rank.of(event.attempt(), reported);
    int cmp = incoming.compareTo(current.rank());
    if (cmp == 0 && current.status() == reported) {
      return Result.of(Verdict.DUPLICATE, current);
    }
    if (cmp <= 0) {
      return Result.of(Verdict.STALE, fillIn(current, event, reported));
    }
    State moved =
        switch (reported) {
          case RUNNING ->
              new State(
                  ExecutionStatus.RUNNING,
                  event.attempt(),
                  current.maxAttempts(),
                  event.nodeId(),
                  event.time(),
                  null,
                  null,
                  null,
                  null);
          case MISSED ->
              new State(
                  ExecutionStatus.MISSED,
                  event.attempt(),
                  current.maxAttempts(),
                  null,
                  null,
                  null,
                  null,
                  null,
                  event.error());
          default ->
              new State(
                  reported,
                  event.attempt(),
                  current.maxAttempts(),
                  event.nodeId() != null ? event.nodeId() : current.nodeId(),
                  startOf(current, event),
                  event.time(),
                  null,
                  event.result(),
                  event.error());
        };
    return afterEnd(moved, event.time(), policy);
  }

  /**
   * Whether an attempt that ended at {@code endedAt} runs again, and when. Also for an execution
   * whose outcome arrived before its fire event: the retry policy comes with the fire.
   */
  public static Result afterEnd(State ended, Instant endedAt, RetryPolicy policy) {
    int attempt = ended.attempt();
    switch (ended.status()) {
      case FAILED, TIMED_OUT -> {
        if (policy.allowsAttemptAfter(attempt)) {
          Duration delay = policy.delayBefore(attempt + 1);
          return new Result(
              Verdict.APPLIED, retrying(ended, endedAt.plus(delay)), Next.RETRY, delay);
        }
      }
      case ABANDONED, LEASE_LOST -> {
        if (attempt < policy.maxAttempts() + FAILOVER_ATTEMPTS) {
          // RETRYING like a retry, due now: the retry resend sends it again if this send is lost.
          return new Result(
              Verdict.APPLIED, retrying(ended, endedAt), Next.FAILOVER, Duration.ZERO);
        }
      }
      default -> {
        // ended for good
      }
    }
    return Result.of(Verdict.APPLIED, ended);
  }

  /** {@code ended} waiting for its next attempt, due at {@code nextAt}. */
  private static State retrying(State ended, Instant nextAt) {
    return new State(
        ExecutionStatus.RETRYING,
        ended.attempt(),
        ended.maxAttempts(),
        ended.nodeId(),
        ended.startedAt(),
        ended.finishedAt(),
        nextAt,
        ended.result(),
        ended.error());
  }

  /**
   * When the attempt an outcome ends started: as its STARTED event said, else as the outcome says
   * (an attempt that ended within moments sends no STARTED event; one whose STARTED event is still
   * on its way tells the same time, and that event then finds the start set).
   */
  private static Instant startOf(State current, ExecutionEvent event) {
    if (event.attempt() == current.attempt() && current.startedAt() != null) {
      return current.startedAt();
    }
    return event.startedTime();
  }

  /** A late event of the current attempt may still tell when it started, or where. */
  private static State fillIn(State current, ExecutionEvent event, ExecutionStatus reported) {
    if (reported == ExecutionStatus.RUNNING
        && event.attempt() == current.attempt()
        && current.startedAt() == null) {
      return new State(
          current.status(),
          current.attempt(),
          current.maxAttempts(),
          current.nodeId() != null ? current.nodeId() : event.nodeId(),
          event.time(),
          current.finishedAt(),
          current.nextRetryAt(),
          current.result(),
          current.error());
    }
    return current;
  }

  /**
   * {@code state} as the attempt ended ({@code ended}), for an attempt that does not run again
   * after all (a broadcast's share), or not yet (its fire event, needed to send it, has not
   * arrived).
   */
  public static State endedAs(State state, ExecutionStatus ended) {
    return new State(
        ended,
        state.attempt(),
        state.maxAttempts(),
        state.nodeId(),
        state.startedAt(),
        state.finishedAt(),
        null,
        state.result(),
        state.error());
  }
}
