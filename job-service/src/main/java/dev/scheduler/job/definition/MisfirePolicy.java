package dev.scheduler.job.definition;

/**
 * What happens to fires that were due while no scheduler could fire them (or the job was paused).
 */
public enum MisfirePolicy {
  /** Fire once now for everything that was missed, then go on as scheduled. */
  FIRE_NOW,
  /** Drop what was missed and wait for the next due time. */
  SKIP,
  /** Fire the missed occurrences, oldest first, at most the job's misfire limit of them. */
  FIRE_ALL
}
