package dev.scheduler.job.trigger;

import dev.scheduler.job.cache.JobCache;
import dev.scheduler.job.definition.JobStatus;
import dev.scheduler.job.definition.MisfirePolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Trigger;
import org.quartz.spi.OperableTrigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Quartz runs at each due time of a job: read the job from the cache, build its fire events
 * and publish them. Nothing slower sits in this path. A fire whose events the broker did not take
 * is refired by Quartz with the same due time, hence the same ids.
 */
class FireJob implements Job {

  private static final Logger log = LoggerFactory.getLogger(FireJob.class);
  private static final Duration PAUSE_BEFORE_REFIRE = Duration.ofSeconds(1);

  private final JobCache cache;
  private final FirePublisher publisher;
  private final Clock clock;
  private final Duration misfireThreshold;

  FireJob(JobCache cache, FirePublisher publisher, Clock clock, Duration misfireThreshold) {
    this.cache = cache;
    this.publisher = publisher;
    this.clock = clock;
    this.misfireThreshold = misfireThreshold;
  }

  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    long jobId = QuartzTriggers.jobId(context.getJobDetail().getKey());
    Instant due = context.getScheduledFireTime().toInstant();
    var job = cache.get(jobId);
    if (job.isEmpty() || job.get().status() != JobStatus.ACTIVE) {
      log.info("job {} is gone or not active; fire due {} dropped", jobId, due);
      return;
    }
    Instant now = clock.instant();
    var spec = job.get().spec();
    if (spec.misfirePolicy() == MisfirePolicy.FIRE_ALL
        && olderThanReplayLimit(context.getTrigger(), due, now, spec.misfireFireAllLimit())) {
      log.info("job {}: missed fire due {} is beyond its replay limit; skipped", jobId, due);
      return;
    }
    try {
      publisher.publish(FirePublisher.events(jobId, spec, due, now, null));
    } catch (FirePublisher.FireNotPublishedException e) {
      log.error("job {}: fire due {} not published, refiring: {}", jobId, due, e.getMessage());
      pauseBeforeRefire();
      throw new JobExecutionException(e, true);
    }
  }

  /**
   * Whether more than {@code limit} later occurrences were also missed, so that replaying this one
   * would exceed the bound of FIRE_ALL. Only late fires pay for the count.
   */
  private boolean olderThanReplayLimit(Trigger trigger, Instant due, Instant now, int limit) {
    if (!due.isBefore(now.minus(misfireThreshold)) || !(trigger instanceof OperableTrigger)) {
      return false;
    }
    int later = 0;
    Date next = trigger.getFireTimeAfter(Date.from(due));
    while (next != null && next.toInstant().isBefore(now) && later < limit) {
      later++;
      next = trigger.getFireTimeAfter(next);
    }
    return later >= limit;
  }

  private static void pauseBeforeRefire() {
    try {
      Thread.sleep(PAUSE_BEFORE_REFIRE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
