package dev.scheduler.job.definition;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * When a job fires.
 *
 * @param type the kind of schedule
 * @param cron Quartz cron expression with seconds (CRON)
 * @param fixedRate interval between fires (FIXED_RATE)
 * @param fireAt the one instant (ONE_TIME)
 * @param timeZone the zone cron expressions are read in
 * @param startAt no fire before this instant, may be null
 * @param endAt no fire after this instant, may be null
 */
public record Schedule(
    ScheduleType type,
    String cron,
    Duration fixedRate,
    Instant fireAt,
    ZoneId timeZone,
    Instant startAt,
    Instant endAt) {

  /** Whether the scheduler fires this job by itself (every type but API). */
  public boolean firesByItself() {
    return type != ScheduleType.API;
  }
}
