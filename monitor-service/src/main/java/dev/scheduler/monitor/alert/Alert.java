package dev.scheduler.monitor.alert;

import java.time.Instant;

/**
 * An alert: one per rule and subject while it is open (FIRING or ACKNOWLEDGED), repeats counted in
 * {@code occurrences}.
 */
public record Alert(
    long id,
    long ruleId,
    String subject,
    String app,
    Long jobId,
    String nodeId,
    String executionId,
    Severity severity,
    Status status,
    String title,
    String message,
    int occurrences,
    Instant firstFiredAt,
    Instant lastFiredAt,
    Instant lastNotifiedAt,
    Instant acknowledgedAt,
    String acknowledgedBy,
    Instant resolvedAt,
    String resolvedBy,
    String actionTaken) {

  /** Where an alert is in its life. */
  public enum Status {
    FIRING,
    ACKNOWLEDGED,
    RESOLVED
  }

  /** One step of an alert's life. */
  public record Step(Instant at, String type, Status from, Status to, String actor, String note) {}
}
