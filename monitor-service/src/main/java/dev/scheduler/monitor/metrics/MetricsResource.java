package dev.scheduler.monitor.metrics;

import dev.scheduler.contracts.FieldViolation;
import dev.scheduler.monitor.metrics.MetricsQueries.Series;
import dev.scheduler.monitor.metrics.MetricsQueries.Summary;
import dev.scheduler.monitor.metrics.MinuteRollups.Scope;
import dev.scheduler.monitor.report.DailyReport;
import dev.scheduler.monitor.report.DailyReports;
import dev.scheduler.monitor.report.ReportProperties;
import dev.scheduler.support.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Time series of the execution rollups for the whole platform, an app or a job, and an overview of
 * a recent window. Series take {@code from} and {@code to} (ISO-8601 instants; default the last
 * hour) and {@code step} (ISO-8601 duration in whole minutes; default one minute), at most {@value
 * #MAX_POINTS} steps.
 */
@RestController
@RequestMapping("/api/v1/metrics")
public class MetricsResource {

  static final int MAX_POINTS = 1440;
  private static final Duration MAX_OVERVIEW_WINDOW = Duration.ofDays(7);

  private final MetricsQueries queries;
  private final DailyReports reports;
  private final ZoneId reportZone;
  private final Clock clock;

  public MetricsResource(
      MetricsQueries queries,
      DailyReports reports,
      ReportProperties reportProperties,
      Clock clock) {
    this.queries = queries;
    this.reports = reports;
    this.reportZone = reportProperties.zone();
    this.clock = clock;
  }

  @GetMapping("/platform")
  public Series platform(
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) String step) {
    return series(Scope.PLATFORM, "*", from, to, step);
  }

  @GetMapping("/apps/{app}")
  public Series app(
      @PathVariable String app,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) String step) {
    return series(Scope.APP, app, from, to, step);
  }

  @GetMapping("/jobs/{jobId}")
  public Series job(
      @PathVariable long jobId,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) String step) {
    return series(Scope.JOB, Long.toString(jobId), from, to, step);
  }

  /**
   * The report of one calendar day ({@code date}, default yesterday) in {@code zone} (an IANA zone,
   * default the configured one).
   */
  @GetMapping("/reports/daily")
  public DailyReport daily(
      @RequestParam(required = false) String date, @RequestParam(required = false) String zone) {
    List<FieldViolation> bad = new ArrayList<>();
    ZoneId zoneId = reportZone;
    if (zone != null && !zone.isBlank()) {
      try {
        zoneId = ZoneId.of(zone);
      } catch (java.time.DateTimeException e) {
        bad.add(new FieldViolation("zone", "must be an IANA time zone such as Europe/Berlin"));
      }
    }
    LocalDate day = LocalDate.ofInstant(clock.instant(), zoneId).minusDays(1);
    if (date != null && !date.isBlank()) {
      try {
        day = LocalDate.parse(date);
      } catch (DateTimeParseException e) {
        bad.add(new FieldViolation("date", "must be an ISO-8601 date such as 2026-01-31"));
      }
    }
    if (!bad.isEmpty()) {
      throw ApiException.invalid(bad);
    }
    return reports.of(day, zoneId);
  }

  /** A node's load, a point per minute with a reading. */
  public record NodeSeries(
      String nodeId, Instant from, Instant to, List<MetricsQueries.NodePoint> points) {}

  @GetMapping("/nodes/{nodeId}")
  public NodeSeries node(
      @PathVariable String nodeId,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to) {
    Series window = series(Scope.NODE, nodeId, from, to, null);
    return new NodeSeries(
        nodeId, window.from(), window.to(), queries.node(nodeId, window.from(), window.to()));
  }

  /** The platform, each app and the jobs that failed most, over {@code window} up to now. */
  public record Overview(
      Instant from,
      Instant to,
      MetricsQueries.Point platform,
      List<Summary> apps,
      List<Summary> failingJobs) {}

  @GetMapping("/overview")
  public Overview overview(@RequestParam(required = false) String window) {
    List<FieldViolation> bad = new ArrayList<>();
    Duration span = duration("window", window, Duration.ofHours(1), bad);
    if (span != null
        && (span.compareTo(Duration.ofMinutes(1)) < 0 || span.compareTo(MAX_OVERVIEW_WINDOW) > 0)) {
      bad.add(new FieldViolation("window", "must be between PT1M and P7D"));
    }
    if (!bad.isEmpty()) {
      throw ApiException.invalid(bad);
    }
    Instant to = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
    Instant from = to.minus(span);
    return new Overview(
        from,
        to,
        queries.series(Scope.PLATFORM, "*", from, to, span).points().get(0),
        queries.summaries(Scope.APP, from, to, 100, false),
        queries.summaries(Scope.JOB, from, to, 10, true));
  }

  private Series series(
      Scope scope, String subject, String fromText, String toText, String stepText) {
    Window w = window(fromText, toText, stepText);
    return queries.series(scope, subject, w.from(), w.to(), w.step());
  }

  /** A checked span and step of a series. */
  private record Window(Instant from, Instant to, Duration step) {}

  private Window window(String fromText, String toText, String stepText) {
    List<FieldViolation> bad = new ArrayList<>();
    Instant now = clock.instant();
    Instant to = instant("to", toText, now, bad);
    Instant from =
        instant("from", fromText, to == null ? null : to.minus(Duration.ofHours(1)), bad);
    Duration step = duration("step", stepText, Duration.ofMinutes(1), bad);
    if (step != null && (step.toSeconds() < 60 || step.toSeconds() % 60 != 0)) {
      bad.add(new FieldViolation("step", "must be whole minutes, at least PT1M"));
      step = null;
    }
    if (from != null && to != null && !from.isBefore(to)) {
      bad.add(new FieldViolation("from", "must be before to"));
    } else if (from != null
        && to != null
        && step != null
        && Duration.between(from, to).dividedBy(step) >= MAX_POINTS) {
      bad.add(
          new FieldViolation(
              "step",
              "gives more than " + MAX_POINTS + " points between from and to; take a larger step"));
    }
    if (!bad.isEmpty()) {
      throw ApiException.invalid(bad);
    }
    return new Window(from.truncatedTo(ChronoUnit.MINUTES), to, step);
  }

  private static Instant instant(
      String field, String text, Instant otherwise, List<FieldViolation> bad) {
    if (text == null || text.isBlank()) {
      return otherwise;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      bad.add(
          new FieldViolation(field, "must be an ISO-8601 instant such as 2026-01-31T08:00:00Z"));
      return null;
    }
  }

  private static Duration duration(
      String field, String text, Duration otherwise, List<FieldViolation> bad) {
    if (text == null || text.isBlank()) {
      return otherwise;
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      bad.add(new FieldViolation(field, "must be an ISO-8601 duration such as PT5M"));
      return null;
    }
  }
}
