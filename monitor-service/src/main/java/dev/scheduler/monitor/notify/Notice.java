package dev.scheduler.monitor.notify;

import dev.scheduler.monitor.alert.Alert;
import java.time.Instant;

/**
 * What a notification says, whatever the channel.
 *
 * @param alertId the alert, 0 for a channel test
 * @param rule the rule's name
 * @param severity INFO, WARNING or CRITICAL
 * @param status FIRING, ACKNOWLEDGED or RESOLVED
 * @param title one line
 * @param message the details
 * @param subject what it is about (e.g. job:42)
 * @param occurrences how often it fired while open
 * @param firstFiredAt when it opened
 * @param lastFiredAt its latest occurrence
 */
public record Notice(
    long alertId,
    String rule,
    String severity,
    String status,
    String title,
    String message,
    String subject,
    int occurrences,
    Instant firstFiredAt,
    Instant lastFiredAt) {

  public static Notice of(Alert alert, String rule) {
    return new Notice(
        alert.id(),
        rule,
        alert.severity().name(),
        alert.status().name(),
        alert.title(),
        alert.message(),
        alert.subject(),
        alert.occurrences(),
        alert.firstFiredAt(),
        alert.lastFiredAt());
  }

  /** A plain-text form: the severity and title, then the details. */
  public String text() {
    return "["
        + severity
        + "] "
        + title
        + "\n"
        + (message == null ? "" : message + "\n")
        + "rule: "
        + rule
        + ", subject: "
        + subject
        + ", occurrences: "
        + occurrences
        + ", first: "
        + firstFiredAt
        + ", last: "
        + lastFiredAt;
  }

  /** A Markdown form for the chat channels that render it. */
  public String markdown() {
    return "### ["
        + severity
        + "] "
        + title
        + "\n\n"
        + (message == null ? "" : message + "\n\n")
        + "- rule: "
        + rule
        + "\n- subject: "
        + subject
        + "\n- occurrences: "
        + occurrences
        + "\n- first: "
        + firstFiredAt
        + "\n- last: "
        + lastFiredAt;
  }
}
