package dev.scheduler.job.trigger;

import dev.scheduler.job.definition.JobDefinition;
import dev.scheduler.job.definition.JobSpec;
import dev.scheduler.job.definition.JobStatus;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerUtils;
import org.quartz.spi.OperableTrigger;

/** Per-job Quartz triggers over {@link QuartzPartitions}. */
class QuartzTriggerEngine implements TriggerEngine {

  private final QuartzPartitions partitions;
  private final java.time.Clock clock;

  QuartzTriggerEngine(QuartzPartitions partitions, java.time.Clock clock) {
    this.partitions = partitions;
    this.clock = clock;
  }

  @Override
  public void schedule(JobDefinition job) {
    if (!job.spec().schedule().firesByItself() || job.status() == JobStatus.DELETED) {
      unschedule(job.id());
      return;
    }
    Scheduler scheduler = partitions.of(job.id());
    JobDetail detail =
        JobBuilder.newJob(FireJob.class)
            .withIdentity(QuartzTriggers.jobKey(job.id()))
            .storeDurably()
            .build();
    Trigger trigger = QuartzTriggers.build(job.id(), job.spec(), clock.instant());
    call(
        () -> {
          scheduler.scheduleJob(detail, Set.of(trigger), true);
          if (job.status() == JobStatus.PAUSED) {
            scheduler.pauseTrigger(trigger.getKey());
          }
        });
  }

  @Override
  public void unschedule(long jobId) {
    call(() -> partitions.of(jobId).deleteJob(QuartzTriggers.jobKey(jobId)));
  }

  @Override
  public void pause(long jobId) {
    call(() -> partitions.of(jobId).pauseTrigger(QuartzTriggers.triggerKey(jobId)));
  }

  @Override
  public void resume(long jobId) {
    call(() -> partitions.of(jobId).resumeTrigger(QuartzTriggers.triggerKey(jobId)));
  }

  @Override
  public FireTimes fireTimes(long jobId) {
    try {
      Trigger trigger = partitions.of(jobId).getTrigger(QuartzTriggers.triggerKey(jobId));
      if (trigger == null) {
        return FireTimes.NONE;
      }
      return new FireTimes(
          instant(trigger.getPreviousFireTime()), instant(trigger.getNextFireTime()));
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot read the trigger of job " + jobId, e);
    }
  }

  @Override
  public List<Instant> preview(JobSpec spec, Instant from, int count) {
    if (!spec.schedule().firesByItself()) {
      return List.of();
    }
    OperableTrigger trigger = (OperableTrigger) QuartzTriggers.build(0, spec, from);
    return TriggerUtils.computeFireTimes(trigger, null, count).stream()
        .map(Date::toInstant)
        .toList();
  }

  private static Instant instant(Date date) {
    return date == null ? null : date.toInstant();
  }

  private interface QuartzCall {
    void run() throws SchedulerException;
  }

  private static void call(QuartzCall call) {
    try {
      call.run();
    } catch (SchedulerException e) {
      throw new IllegalStateException("Quartz refused the change: " + e.getMessage(), e);
    }
  }
}
