package dev.scheduler.monitor.metrics;

import dev.scheduler.monitor.metrics.MinuteRollups.Scope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads the minute rollups back as time series and summaries. */
@Component
public class MetricsQueries {

  private final JdbcClient jdbc;

  public MetricsQueries(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * One step of a series. Counts are sums over the step's minutes; the median is their
   * runs-weighted mean, the 95th percentile and maximum the largest of the minutes' (an upper
   * bound, as percentiles of minutes cannot be combined exactly).
   */
  public record Point(
      Instant time,
      long runs,
      long succeeded,
      long failed,
      long timedOut,
      long cancelled,
      long retries,
      Double successRate,
      Long durationP50Ms,
      Long durationP95Ms,
      Long durationMaxMs,
      Long fireDelayP50Ms,
      Long fireDelayP95Ms) {}

  /** A time series of one subject. */
  public record Series(
      Scope scope, String subject, Instant from, Instant to, Duration step, List<Point> points) {}

  /** The series of {@code subject} in steps of {@code step} from {@code from} (inclusive). */
  public Series series(Scope scope, String subject, Instant from, Instant to, Duration step) {
    List<Minute> minutes =
        jdbc.sql(
                "SELECT * FROM scheduler_metrics WHERE scope = ? AND subject = ?"
                    + " AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start")
            .params(scope.name(), subject, Timestamp.from(from), Timestamp.from(to))
            .query(MetricsQueries::minute)
            .list();
    int steps =
        (int)
            Math.max(
                1, (Duration.between(from, to).toMillis() + step.toMillis() - 1) / step.toMillis());
    List<Acc> accs = new ArrayList<>(steps);
    for (int i = 0; i < steps; i++) {
      accs.add(new Acc(from.plus(step.multipliedBy(i))));
    }
    for (Minute m : minutes) {
      int index = (int) (Duration.between(from, m.start()).toMillis() / step.toMillis());
      if (index >= 0 && index < steps) {
        accs.get(index).add(m);
      }
    }
    return new Series(scope, subject, from, to, step, accs.stream().map(Acc::point).toList());
  }

  /** The whole window as one point, for each subject of {@code scope}, most runs first. */
  public List<Summary> summaries(
      Scope scope, Instant from, Instant to, int limit, boolean byFailures) {
    List<Minute> minutes =
        jdbc.sql(
                "SELECT * FROM scheduler_metrics WHERE scope = ? AND bucket_start >= ?"
                    + " AND bucket_start < ? ORDER BY subject, bucket_start")
            .params(scope.name(), Timestamp.from(from), Timestamp.from(to))
            .query(MetricsQueries::minute)
            .list();
    java.util.Map<String, Acc> bySubject = new java.util.LinkedHashMap<>();
    java.util.Map<String, String> apps = new java.util.HashMap<>();
    for (Minute m : minutes) {
      bySubject.computeIfAbsent(m.subject(), s -> new Acc(from)).add(m);
      if (m.app() != null) {
        apps.put(m.subject(), m.app());
      }
    }
    java.util.Comparator<Summary> order =
        byFailures
            ? java.util.Comparator.comparingLong(
                    (Summary s) -> s.point().failed() + s.point().timedOut())
                .reversed()
            : java.util.Comparator.comparingLong((Summary s) -> s.point().runs()).reversed();
    return bySubject.entrySet().stream()
        .map(e -> new Summary(e.getKey(), apps.get(e.getKey()), e.getValue().point()))
        .filter(s -> !byFailures || s.point().failed() + s.point().timedOut() > 0)
        .sorted(order)
        .limit(limit)
        .toList();
  }

  /** A node's load in one minute, as it last reported in that minute. */
  public record NodePoint(
      Instant time, Double cpuLoad, Long heapUsedBytes, Integer running, Integer capacity) {}

  /** The minutes of {@code nodeId} with a reading, from {@code from} (inclusive) to {@code to}. */
  public List<NodePoint> node(String nodeId, Instant from, Instant to) {
    return jdbc.sql(
            "SELECT bucket_start, cpu_load, heap_used_bytes, running, capacity FROM scheduler_metrics"
                + " WHERE scope = 'NODE' AND subject = ? AND bucket_start >= ? AND bucket_start < ?"
                + " ORDER BY bucket_start")
        .params(nodeId, Timestamp.from(from), Timestamp.from(to))
        .query(
            (rs, n) ->
                new NodePoint(
                    rs.getTimestamp("bucket_start").toInstant(),
                    (Double) rs.getObject("cpu_load", Double.class),
                    (Long) rs.getObject("heap_used_bytes", Long.class),
                    (Integer) rs.getObject("running", Integer.class),
                    (Integer) rs.getObject("capacity", Integer.class)))
        .list();
  }

  /** One subject over a window. */
  public record Summary(String subject, String app, Point point) {}

  private record Minute(
      Instant start,
      String subject,
      String app,
      long runs,
      long succeeded,
      long failed,
      long timedOut,
      long cancelled,
      long retries,
      Long durationP50,
      Long durationP95,
      Long durationMax,
      Long fireDelayP50,
      Long fireDelayP95) {}

  private static Minute minute(ResultSet rs, int n) throws SQLException {
    return new Minute(
        rs.getTimestamp("bucket_start").toInstant(),
        rs.getString("subject"),
        rs.getString("app"),
        rs.getLong("runs"),
        rs.getLong("succeeded"),
        rs.getLong("failed"),
        rs.getLong("timed_out"),
        rs.getLong("cancelled"),
        rs.getLong("retries"),
        (Long) rs.getObject("duration_p50_ms", Long.class),
        (Long) rs.getObject("duration_p95_ms", Long.class),
        (Long) rs.getObject("duration_max_ms", Long.class),
        (Long) rs.getObject("fire_delay_p50_ms", Long.class),
        (Long) rs.getObject("fire_delay_p95_ms", Long.class));
  }

  /** Sums minutes into one point. */
  private static final class Acc {
    final Instant time;
    long runs;
    long succeeded;
    long failed;
    long timedOut;
    long cancelled;
    long retries;
    double p50Weighted;
    long p50Weight;
    Long p95;
    Long max;
    double delayP50Weighted;
    long delayP50Weight;
    Long delayP95;

    Acc(Instant time) {
      this.time = time;
    }

    void add(Minute m) {
      runs += m.runs();
      succeeded += m.succeeded();
      failed += m.failed();
      timedOut += m.timedOut();
      cancelled += m.cancelled();
      retries += m.retries();
      long weight = Math.max(1, m.runs());
      if (m.durationP50() != null) {
        p50Weighted += m.durationP50() * (double) weight;
        p50Weight += weight;
      }
      p95 = larger(p95, m.durationP95());
      max = larger(max, m.durationMax());
      if (m.fireDelayP50() != null) {
        delayP50Weighted += m.fireDelayP50() * (double) weight;
        delayP50Weight += weight;
      }
      delayP95 = larger(delayP95, m.fireDelayP95());
    }

    Point point() {
      return new Point(
          time,
          runs,
          succeeded,
          failed,
          timedOut,
          cancelled,
          retries,
          runs == 0 ? null : (double) succeeded / runs,
          p50Weight == 0 ? null : Math.round(p50Weighted / p50Weight),
          p95,
          max,
          delayP50Weight == 0 ? null : Math.round(delayP50Weighted / delayP50Weight),
          delayP95);
    }

    private static Long larger(Long a, Long b) {
      if (a == null) {
        return b;
      }
      return b == null ? a : Math.max(a, b);
    }
  }
}
