package dev.scheduler.monitor.report;

import dev.scheduler.monitor.metrics.MetricsQueries.Point;
import dev.scheduler.monitor.metrics.MetricsQueries.Summary;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * One calendar day of the platform: totals, each app, and the jobs that failed most.
 *
 * @param date the day
 * @param zone whose calendar
 * @param from its start
 * @param to its end (exclusive)
 * @param platform every attempt of the day
 * @param apps each app, most runs first
 * @param topFailures the jobs with the most failed or timed-out attempts, most first
 */
public record DailyReport(
    LocalDate date,
    ZoneId zone,
    Instant from,
    Instant to,
    Point platform,
    List<Summary> apps,
    List<Summary> topFailures) {

  /** The report as text for a notification. */
  public String text() {
    StringBuilder text = new StringBuilder();
    text.append("Platform: ").append(line(platform)).append('\n');
    for (Summary app : apps) {
      text.append("app ").append(app.subject()).append(": ").append(line(app.point())).append('\n');
    }
    if (!topFailures.isEmpty()) {
      text.append("Most failures:\n");
      for (Summary job : topFailures) {
        text.append("  job ")
            .append(job.subject())
            .append(" (")
            .append(job.app())
            .append("): ")
            .append(job.point().failed() + job.point().timedOut())
            .append(" failed of ")
            .append(job.point().runs())
            .append('\n');
      }
    }
    return text.toString();
  }

  private static String line(Point p) {
    return p.runs()
        + " runs, "
        + (p.successRate() == null ? "-" : Math.round(p.successRate() * 1000) / 10.0 + "%")
        + " succeeded, "
        + (p.failed() + p.timedOut())
        + " failed, p50 "
        + (p.durationP50Ms() == null ? "-" : p.durationP50Ms() + " ms")
        + ", p95 "
        + (p.durationP95Ms() == null ? "-" : p.durationP95Ms() + " ms");
  }
}
