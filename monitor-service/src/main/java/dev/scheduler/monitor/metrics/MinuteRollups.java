package dev.scheduler.monitor.metrics;

import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Per-minute rollups of the execution events in {@code scheduler_metrics}: for the platform, each
 * app and each job, the attempts that ended by outcome, the retries, and the median and 95th
 * percentile of their durations and of the fire delay. A minute is kept in memory until it ended
 * and its grace for late events passed, then written once; an event later still, or another
 * replica's share of the same minute, is added to the stored row (counts add up; the larger p95 and
 * maximum are kept and the medians averaged, an approximation only for such merges).
 */
@Component
public class MinuteRollups {

  /** Samples kept per minute and subject for its percentiles; beyond, a uniform reservoir. */
  static final int SAMPLES = 2_000;

  private final JdbcClient jdbc;
  private final Clock clock;
  private final Duration grace;
  private final Map<Key, Bucket> open = new HashMap<>();

  public MinuteRollups(JdbcClient jdbc, Clock clock, MetricsProperties properties) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.grace = properties.rollupGrace();
  }

  /** What a rollup row is about. */
  public enum Scope {
    PLATFORM,
    APP,
    JOB,
    NODE
  }

  private record Key(Scope scope, String subject, Instant minute) {}

  /** Adds one event (not a duplicate) to its minute. */
  public synchronized void add(ExecutionEvent event) {
    ExecutionEventType type = event.type();
    if (type == null || type == ExecutionEventType.LOG || type == ExecutionEventType.MISSED) {
      return;
    }
    Instant minute = event.time().truncatedTo(ChronoUnit.MINUTES);
    for (Bucket bucket : buckets(event, minute)) {
      bucket.add(event);
    }
  }

  private List<Bucket> buckets(ExecutionEvent event, Instant minute) {
    List<Bucket> buckets = new ArrayList<>(3);
    buckets.add(bucket(new Key(Scope.PLATFORM, "*", minute), null, null));
    if (event.app() != null) {
      buckets.add(bucket(new Key(Scope.APP, event.app(), minute), event.app(), null));
    }
    buckets.add(
        bucket(
            new Key(Scope.JOB, Long.toString(event.jobId()), minute), event.app(), event.jobId()));
    return buckets;
  }

  private Bucket bucket(Key key, String app, Long jobId) {
    return open.computeIfAbsent(key, k -> new Bucket(app, jobId));
  }

  @Scheduled(fixedDelayString = "${scheduler.monitor.metrics.flush-interval:10s}")
  public void scheduledFlush() {
    flush();
  }

  /** Writes every minute whose grace has passed; returns how many rows were written. */
  public int flush() {
    Instant now = clock.instant();
    Map<Key, Bucket> closed = new HashMap<>();
    synchronized (this) {
      open.entrySet()
          .removeIf(
              e -> {
                boolean done =
                    !e.getKey().minute().plus(Duration.ofMinutes(1)).plus(grace).isAfter(now);
                if (done) {
                  closed.put(e.getKey(), e.getValue());
                }
                return done;
              });
    }
    closed.forEach((key, bucket) -> write(key, bucket, now));
    return closed.size();
  }

  private void write(Key key, Bucket b, Instant now) {
    jdbc.sql(
            "INSERT INTO scheduler_metrics (bucket_start, scope, subject, app, job_id, runs,"
                + " succeeded, failed, timed_out, cancelled, retries, duplicates, duration_p50_ms,"
                + " duration_p95_ms, duration_max_ms, fire_delay_p50_ms, fire_delay_p95_ms,"
                + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)"
                + " ON DUPLICATE KEY UPDATE runs = runs + VALUES(runs),"
                + " succeeded = succeeded + VALUES(succeeded), failed = failed + VALUES(failed),"
                + " timed_out = timed_out + VALUES(timed_out),"
                + " cancelled = cancelled + VALUES(cancelled), retries = retries + VALUES(retries),"
                + merged("duration_p50_ms", "(%1$s + %2$s) / 2")
                + ","
                + merged("duration_p95_ms", "GREATEST(%1$s, %2$s)")
                + ","
                + merged("duration_max_ms", "GREATEST(%1$s, %2$s)")
                + ","
                + merged("fire_delay_p50_ms", "(%1$s + %2$s) / 2")
                + ","
                + merged("fire_delay_p95_ms", "GREATEST(%1$s, %2$s)")
                + ", updated_at = VALUES(updated_at)")
        .params(
            Timestamp.from(key.minute()),
            key.scope().name(),
            key.subject(),
            b.app,
            b.jobId,
            b.runs,
            b.succeeded,
            b.failed,
            b.timedOut,
            b.cancelled,
            b.retries,
            percentile(b.durations, 50),
            percentile(b.durations, 95),
            b.durationMax,
            percentile(b.fireDelays, 50),
            percentile(b.fireDelays, 95),
            Timestamp.from(now))
        .update();
  }

  /** The stored value merged with the new one by {@code how}, either side possibly NULL. */
  private static String merged(String column, String how) {
    String incoming = "VALUES(" + column + ")";
    return " "
        + column
        + " = CASE WHEN "
        + column
        + " IS NULL THEN "
        + incoming
        + " WHEN "
        + incoming
        + " IS NULL THEN "
        + column
        + " ELSE "
        + String.format(how, column, incoming)
        + " END";
  }

  /** The nearest-rank percentile of the samples, null without samples. */
  static Long percentile(List<Long> samples, int p) {
    if (samples.isEmpty()) {
      return null;
    }
    List<Long> sorted = new ArrayList<>(samples);
    sorted.sort(null);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  /** One minute of one subject. */
  private static final class Bucket {
    final String app;
    final Long jobId;
    long runs;
    long succeeded;
    long failed;
    long timedOut;
    long cancelled;
    long retries;
    Long durationMax;
    final List<Long> durations = new ArrayList<>();
    final List<Long> fireDelays = new ArrayList<>();
    long durationsSeen;
    long fireDelaysSeen;

    Bucket(String app, Long jobId) {
      this.app = app;
      this.jobId = jobId;
    }

    void add(ExecutionEvent event) {
      Outcomes.fireDelay(event)
          .ifPresent(d -> fireDelaysSeen = sample(fireDelays, fireDelaysSeen, d));
      if (!event.type().terminal()) {
        return;
      }
      runs++;
      switch (event.type()) {
        case SUCCEEDED -> succeeded++;
        case FAILED -> failed++;
        case TIMED_OUT -> timedOut++;
        case CANCELLED, REJECTED, ABANDONED, LEASE_LOST -> cancelled++;
        default -> {
          // not an outcome
        }
      }
      if (!event.lastAttemptEnded()) {
        retries++;
      }
      Outcomes.duration(event)
          .ifPresent(
              d -> {
                durationsSeen = sample(durations, durationsSeen, d);
                durationMax = Math.max(durationMax == null ? 0 : durationMax, d.toMillis());
              });
    }

    /** Reservoir sampling: every sample seen has the same chance to be kept. */
    private static long sample(List<Long> kept, long seen, Duration value) {
      long n = seen + 1;
      if (kept.size() < SAMPLES) {
        kept.add(value.toMillis());
      } else {
        long slot = ThreadLocalRandom.current().nextLong(n);
        if (slot < SAMPLES) {
          kept.set((int) slot, value.toMillis());
        }
      }
      return n;
    }
  }
}
