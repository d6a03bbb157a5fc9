package dev.scheduler.job.trigger;

import dev.scheduler.job.definition.JobSpec;
import dev.scheduler.job.definition.MisfirePolicy;
import dev.scheduler.job.definition.Schedule;
import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobKey;
import org.quartz.ScheduleBuilder;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;

/** The Quartz identity and trigger of a job: one JobDetail and one Trigger per job. */
final class QuartzTriggers {

  static final String GROUP = "jobs";

  private QuartzTriggers() {}

  static JobKey jobKey(long jobId) {
    return JobKey.jobKey(Long.toString(jobId), GROUP);
  }

  static TriggerKey triggerKey(long jobId) {
    return TriggerKey.triggerKey(Long.toString(jobId), GROUP);
  }

  static long jobId(JobKey key) {
    return Long.parseLong(key.getName());
  }

  /**
   * The trigger of {@code spec}, first firing no earlier than {@code now}: a cron trigger in the
   * job's zone, a repeating simple trigger for fixed rates (first fire one interval after {@code
   * now} unless a start is given), a one-shot simple trigger for one-time jobs.
   */
  static Trigger build(long jobId, JobSpec spec, Instant now) {
    Schedule schedule = spec.schedule();
    TriggerBuilder<Trigger> builder =
        TriggerBuilder.newTrigger()
            .withIdentity(triggerKey(jobId))
            .forJob(jobKey(jobId))
            .withPriority(spec.priority());
    Instant start =
        switch (schedule.type()) {
          case FIXED_RATE ->
              schedule.startAt() != null && schedule.startAt().isAfter(now)
                  ? schedule.startAt()
                  : now.plus(schedule.fixedRate());
          case ONE_TIME -> schedule.fireAt();
          default ->
              schedule.startAt() != null && schedule.startAt().isAfter(now)
                  ? schedule.startAt()
                  : now;
        };
    builder.startAt(Date.from(start));
    if (schedule.endAt() != null) {
      builder.endAt(Date.from(schedule.endAt()));
    }
    return builder.withSchedule(scheduleOf(schedule, spec.misfirePolicy())).build();
  }

  private static ScheduleBuilder<? extends Trigger> scheduleOf(
      Schedule schedule, MisfirePolicy misfire) {
    return switch (schedule.type()) {
      case CRON -> {
        CronScheduleBuilder cron =
            CronScheduleBuilder.cronSchedule(schedule.cron())
                .inTimeZone(TimeZone.getTimeZone(schedule.timeZone()));
        yield switch (misfire) {
          case FIRE_NOW -> cron.withMisfireHandlingInstructionFireAndProceed();
          case SKIP -> cron.withMisfireHandlingInstructionDoNothing();
          case FIRE_ALL -> cron.withMisfireHandlingInstructionIgnoreMisfires();
        };
      }
      case FIXED_RATE -> {
        SimpleScheduleBuilder rate =
            SimpleScheduleBuilder.simpleSchedule()
                .withIntervalInMilliseconds(schedule.fixedRate().toMillis())
                .repeatForever();
        yield switch (misfire) {
          case FIRE_NOW -> rate.withMisfireHandlingInstructionNowWithExistingCount();
          case SKIP -> rate.withMisfireHandlingInstructionNextWithRemainingCount();
          case FIRE_ALL -> rate.withMisfireHandlingInstructionIgnoreMisfires();
        };
      }
      case ONE_TIME -> {
        SimpleScheduleBuilder once = SimpleScheduleBuilder.simpleSchedule();
        yield misfire == MisfirePolicy.SKIP
            ? once.withMisfireHandlingInstructionNextWithRemainingCount()
            : once.withMisfireHandlingInstructionFireNow();
      }
      case API -> throw new IllegalArgumentException("API jobs have no trigger");
    };
  }
}
