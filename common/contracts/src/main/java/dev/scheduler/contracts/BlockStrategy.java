package dev.scheduler.contracts;

/** What an agent does when a fire of a job arrives while an earlier fire of it still runs. */
public enum BlockStrategy {
  /** The later fire waits until the earlier one has ended. */
  SERIAL,
  /** The later fire is rejected. */
  DISCARD_LATER,
  /** The earlier fire is cancelled and the later one runs. */
  COVER_EARLY
}
