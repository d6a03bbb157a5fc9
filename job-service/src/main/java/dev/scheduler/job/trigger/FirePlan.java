package dev.scheduler.job.trigger;

import dev.scheduler.job.definition.MisfirePolicy;
import dev.scheduler.job.definition.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What to do with a trigger found due: the due times to fire now and the next due time. A fire
 * later than the misfire threshold was missed (schedulers down, job paused) and follows the job's
 * misfire policy; a later one inside the threshold is simply fired late, so a replica's death
 * delays fires but loses none.
 *
 * @param fires the due times to publish, oldest first; each becomes a fire with that scheduled time
 * @param next the following due time, null when the schedule has none left
 */
record FirePlan(List<Instant> fires, Instant next) {

  static FirePlan of(
      Schedule schedule,
      MisfirePolicy policy,
      int fireAllLimit,
      Instant due,
      Instant now,
      Duration misfireThreshold) {
    if (!due.isBefore(now.minus(misfireThreshold))) {
      return new FirePlan(List.of(due), FireSchedule.after(schedule, due));
    }
    Instant nextAfterNow = FireSchedule.firstAfterNow(schedule, due, now);
    return switch (policy) {
      case FIRE_NOW -> new FirePlan(List.of(due), nextAfterNow);
      case SKIP -> new FirePlan(List.of(), nextAfterNow);
      case FIRE_ALL -> {
        List<Instant> missed = new ArrayList<>();
        Instant time = due;
        while (time != null && !time.isAfter(now) && missed.size() < fireAllLimit) {
          missed.add(time);
          time = FireSchedule.after(schedule, time);
        }
        yield new FirePlan(missed, nextAfterNow);
      }
    };
  }
}
