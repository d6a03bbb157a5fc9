package dev.scheduler.job.definition;

/** Lifecycle of a job definition. */
public enum JobStatus {
  /** Scheduled and firing. */
  ACTIVE,
  /** Kept with its schedule but not firing; may still be triggered by hand. */
  PAUSED,
  /** Soft-deleted: invisible to the API but for its history. */
  DELETED
}
