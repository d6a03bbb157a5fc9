package dev.scheduler.job.trigger;

import dev.scheduler.job.definition.Schedule;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * The fire times of a schedule, computed without a database: cron expressions with Quartz's own
 * {@link CronExpression} in the job's zone (so daylight-saving changes behave exactly as Quartz
 * cron triggers: a local time that does not exist that day is skipped, one that occurs twice fires
 * once, at its standard-time occurrence), fixed rates as the previous fire plus the interval,
 * one-time jobs once; start and end bounds apply to all.
 */
final class FireSchedule {

  private FireSchedule() {}

  /**
   * The first fire of a schedule set up at {@code now}: a fixed rate fires one interval after
   * {@code now} unless its start is later; null if it never fires.
   */
  static Instant first(Schedule schedule, Instant now) {
    Instant start =
        schedule.startAt() != null && schedule.startAt().isAfter(now) ? schedule.startAt() : null;
    Instant first =
        switch (schedule.type()) {
          case CRON -> cronAfter(schedule, (start != null ? start : now).minusMillis(1));
          case FIXED_RATE -> start != null ? start : now.plus(schedule.fixedRate());
          case ONE_TIME -> schedule.fireAt();
          case API -> null;
        };
    return bounded(schedule, first);
  }

  /** The fire after the one due at {@code due}; null if none is left. */
  static Instant after(Schedule schedule, Instant due) {
    Instant next =
        switch (schedule.type()) {
          case CRON -> cronAfter(schedule, due);
          case FIXED_RATE -> due.plus(schedule.fixedRate());
          case ONE_TIME, API -> null;
        };
    return bounded(schedule, next);
  }

  /** The first fire after {@code now} of a schedule whose fire due at {@code due} was missed. */
  static Instant firstAfterNow(Schedule schedule, Instant due, Instant now) {
    Instant next =
        switch (schedule.type()) {
          case CRON -> cronAfter(schedule, now);
          case FIXED_RATE -> {
            long rate = schedule.fixedRate().toMillis();
            long periods = (now.toEpochMilli() - due.toEpochMilli()) / rate + 1;
            yield due.plusMillis(periods * rate);
          }
          case ONE_TIME, API -> null;
        };
    return bounded(schedule, next);
  }

  /** The next {@code count} fires of a schedule set up at {@code from}. */
  static List<Instant> preview(Schedule schedule, Instant from, int count) {
    List<Instant> times = new ArrayList<>(count);
    Instant next = first(schedule, from);
    while (next != null && times.size() < count) {
      times.add(next);
      next = after(schedule, next);
    }
    return times;
  }

  private static Instant bounded(Schedule schedule, Instant time) {
    if (time == null || (schedule.endAt() != null && time.isAfter(schedule.endAt()))) {
      return null;
    }
    return time;
  }

  private static Instant cronAfter(Schedule schedule, Instant after) {
    Date next = cron(schedule).getTimeAfter(Date.from(after));
    return next == null ? null : next.toInstant();
  }

  private static CronExpression cron(Schedule schedule) {
    try {
      CronExpression cron = new CronExpression(schedule.cron());
      cron.setTimeZone(TimeZone.getTimeZone(schedule.timeZone()));
      return cron;
    } catch (ParseException e) {
      throw new IllegalArgumentException(
          "stored cron expression is invalid: " + schedule.cron(), e);
    }
  }
}
