package dev.scheduler.monitor.alert;

/** What an alert rule watches. */
public enum RuleType {
  /** An execution failed or timed out on its last attempt (a failure that is retried is not). */
  EXECUTION_FAILED,
  /** A job's executions failed for good this many times in a row. */
  CONSECUTIVE_FAILURES,
  /** The share of failed attempts over a window is above a threshold. */
  FAILURE_RATE,
  /** An execution timed out on its last attempt. */
  TIMEOUT,
  /** A fire started later than a bound after it was due. */
  FIRE_DELAY,
  /** An agent went offline. */
  NODE_OFFLINE,
  /** An app the node registry knows has no live agent. */
  NO_LIVE_AGENT,
  /** Messages reached the dead-letter queue of a platform group, or of an app's agents. */
  DEAD_LETTER;
}
