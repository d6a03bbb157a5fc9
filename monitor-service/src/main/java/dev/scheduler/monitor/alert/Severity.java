package dev.scheduler.monitor.alert;

/** How urgent an alert is. */
public enum Severity {
  INFO,
  WARNING,
  CRITICAL
}
