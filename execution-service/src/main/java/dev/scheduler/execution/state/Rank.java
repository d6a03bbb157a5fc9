package dev.scheduler.execution.state;

/**
 * How far an execution has come: its attempt, then the phase of its status within the attempt.
 * Events are applied only when they rank above the row, so a state never moves backwards, however
 * late or often an event arrives.
 */
public record Rank(int attempt, int phase) implements Comparable<Rank> {

  public static Rank of(int attempt, ExecutionStatus status) {
    return new Rank(attempt, status.phase());
  }

  @Override
  public int compareTo(Rank other) {
    int byAttempt = Integer.compare(attempt, other.attempt);
    return byAttempt != 0 ? byAttempt : Integer.compare(phase, other.phase);
  }

  public boolean above(Rank other) {
    return compareTo(other) > 0;
  }
}
