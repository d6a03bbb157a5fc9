package dev.scheduler.monitor.report;

import dev.scheduler.monitor.metrics.MetricsQueries;
import dev.scheduler.monitor.metrics.MinuteRollups.Scope;
import dev.scheduler.monitor.notify.Deliveries;
import dev.scheduler.monitor.notify.Notice;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Daily reports from the minute rollups: read through the API for any day, and the previous day's
 * sent each morning to the configured channels, by one replica (the one that records the send
 * first).
 */
@Component
public class DailyReports {

  private static final Logger log = LoggerFactory.getLogger(DailyReports.class);
  private static final int TOP = 10;

  private final MetricsQueries metrics;
  private final Deliveries deliveries;
  private final JdbcClient jdbc;
  private final ReportProperties properties;
  private final Clock clock;

  public DailyReports(
      MetricsQueries metrics,
      Deliveries deliveries,
      JdbcClient jdbc,
      ReportProperties properties,
      Clock clock) {
    this.metrics = metrics;
    this.deliveries = deliveries;
    this.jdbc = jdbc;
    this.properties = properties;
    this.clock = clock;
  }

  /** The report of {@code date} in {@code zone}. */
  public DailyReport of(LocalDate date, ZoneId zone) {
    Instant from = date.atStartOfDay(zone).toInstant();
    Instant to = date.plusDays(1).atStartOfDay(zone).toInstant();
    return new DailyReport(
        date,
        zone,
        from,
        to,
        metrics.series(Scope.PLATFORM, "*", from, to, Duration.between(from, to)).points().get(0),
        metrics.summaries(Scope.APP, from, to, 1_000, false),
        metrics.summaries(Scope.JOB, from, to, TOP, true));
  }

  @Scheduled(
      cron = "${scheduler.monitor.report.cron:0 0 8 * * *}",
      zone = "${scheduler.monitor.report.zone:UTC}")
  public void scheduledSend() {
    sendPrevious();
  }

  /**
   * Sends the previous day's report to the configured channels unless it was sent already (by this
   * or another replica); returns whether this call sent it.
   */
  public boolean sendPrevious() {
    if (properties.channelIds().isEmpty()) {
      return false;
    }
    Instant now = clock.instant();
    LocalDate day = LocalDate.ofInstant(now, properties.zone()).minusDays(1);
    try {
      jdbc.sql("INSERT INTO scheduler_report_sent (report_date, sent_at) VALUES (?, ?)")
          .params(Date.valueOf(day), Timestamp.from(now))
          .update();
    } catch (DuplicateKeyException sentAlready) {
      return false;
    }
    DailyReport report = of(day, properties.zone());
    Notice notice =
        new Notice(
            0,
            "daily report",
            "INFO",
            "REPORT",
            "scheduler report of " + day,
            report.text(),
            "platform",
            1,
            report.from(),
            report.to());
    List<Long> channels = new ArrayList<>(properties.channelIds());
    for (long channel : channels) {
      deliveries.send(
          channel, notice, outcome -> log.info("daily report of {}: {}", day, outcome.describe()));
    }
    return true;
  }
}
