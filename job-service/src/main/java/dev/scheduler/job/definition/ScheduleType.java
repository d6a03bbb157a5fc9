package dev.scheduler.job.definition;

/** When a job fires. */
public enum ScheduleType {
  /** By a Quartz cron expression with seconds, in the job's time zone. */
  CRON,
  /** Every fixed interval, from the start time (or creation) on. */
  FIXED_RATE,
  /** Once, at an instant. */
  ONE_TIME,
  /** Only when triggered through the API. */
  API
}
