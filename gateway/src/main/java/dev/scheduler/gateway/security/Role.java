package dev.scheduler.gateway.security;

/** What a caller may do; each role includes the ones before it. */
public enum Role {
  /** Reads. */
  VIEWER,
  /**
   * Reads, triggers, pauses and resumes jobs, retries and cancels executions, acknowledges alerts.
   */
  OPERATOR,
  /** Everything, including creating, changing and deleting definitions. */
  ADMIN;

  /** Whether this role may do what {@code required} may. */
  public boolean covers(Role required) {
    return ordinal() >= required.ordinal();
  }
}
