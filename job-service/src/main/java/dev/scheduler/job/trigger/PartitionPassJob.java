package dev.scheduler.job.trigger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.InterruptableJob;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Quartz job of one partition. Quartz's clustered store runs it on one replica at a time
 * ({@link DisallowConcurrentExecution}) and, if that replica dies, on another ({@code
 * requestsRecovery}); its trigger repeats, so a partition moves between replicas at the end of a
 * pass. A pass goes on, {@code passLength} at a time, while its replica runs no more than its fair
 * share of the partitions; it ends (and the partition is handed on) when a replica joins and the
 * share shrinks, when the share cannot be read, or when the replica stops.
 */
@DisallowConcurrentExecution
class PartitionPassJob implements InterruptableJob {

  static final String PARTITION = "partition";

  /** How long a partition given back waits, so that another replica can take it. */
  private static final Duration GIVE_BACK_DELAY = Duration.ofSeconds(2);

  /** How long a failed pass keeps trying to restart its partition's trigger (database away). */
  private static final Duration RESTART_PATIENCE = Duration.ofSeconds(60);

  /** How often it tries meanwhile. */
  private static final Duration RESTART_RETRY = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(PartitionPassJob.class);

  private final PartitionPass pass;
  private final FairShare fairShare;
  private final Clock clock;
  private final Duration passLength;
  private volatile boolean interrupted;

  /** The fair share told this pass to end: it says so once it has. */
  private volatile boolean toldToEnd;

  PartitionPassJob(PartitionPass pass, FairShare fairShare, Clock clock, Duration passLength) {
    this.pass = pass;
    this.fairShare = fairShare;
    this.clock = clock;
    this.passLength = passLength;
  }

  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    int partition = Integer.parseInt(context.getMergedJobDataMap().getString(PARTITION));
    try {
      int runningHere = context.getScheduler().getCurrentlyExecutingJobs().size();
      if (!fairShare.allows(runningHere)) {
        // Give the partition back: its next pass is due a little later, in reach of every
        // replica's next look, instead of at once when this replica is told first.
        nextPassIn(context, partition, GIVE_BACK_DELAY);
        return;
      }
      Instant started = clock.instant();
      log.info("pass of partition {} started", partition);
      try {
        pass.run(
            partition,
            started.plus(passLength),
            () -> interrupted,
            () -> goesOn(context, partition));
      } finally {
        if (toldToEnd) {
          fairShare.ended();
        }
        // Rare (a replica starting, joining, leaving): each hand-over leaves the partition's fires
        // late by the time Quartz takes to start the next pass.
        log.info(
            "pass of partition {} ended after {} s{}",
            partition,
            Duration.between(started, clock.instant()).toSeconds(),
            interrupted ? ": stopped" : toldToEnd ? ": more than the fair share here" : "");
      }
      if (!interrupted) {
        nextPassIn(context, partition, Duration.ZERO);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SchedulerException | RuntimeException e) {
      restartAfterFailure(context, partition);
      throw new JobExecutionException("pass of partition " + partition + " failed", e);
    }
  }

  /**
   * A pass that failed (its database went away, say) restarts its partition's trigger as a pass
   * that ended does: left as it was, the trigger still shows when this pass began, and after a long
   * pass that is past Quartz's misfire threshold, so the partition would wait for the misfire scan
   * (a minute) before it fired again. The database may still be away: it tries again every {@link
   * #RESTART_RETRY}, for up to {@link #RESTART_PATIENCE}.
   */
  private void restartAfterFailure(JobExecutionContext context, int partition) {
    Instant giveUp = clock.instant().plus(RESTART_PATIENCE);
    while (!interrupted) {
      try {
        nextPassIn(context, partition, RESTART_RETRY);
        return;
      } catch (SchedulerException | RuntimeException e) {
        if (!clock.instant().isBefore(giveUp)) {
          log.warn(
              "partition {}: its trigger could not be restarted after a failed pass: {}",
              partition,
              e.toString());
          return;
        }
        try {
          Thread.sleep(RESTART_RETRY.toMillis());
        } catch (InterruptedException interruptedWhileWaiting) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Whether the pass may keep its partition for another {@code passLength}. */
  private boolean goesOn(JobExecutionContext context, int partition) {
    if (interrupted) {
      return false;
    }
    try {
      boolean keeps = fairShare.keeps(context.getScheduler().getCurrentlyExecutingJobs().size());
      toldToEnd = !keeps;
      return keeps;
    } catch (SchedulerException | RuntimeException e) {
      log.warn(
          "pass of partition {} ends: its fair share could not be read: {}",
          partition,
          e.toString());
      return false;
    }
  }

  /**
   * Restarts the partition's trigger from now. Quartz moves a repeating trigger on from its
   * previous due time, not from now, so after each pass it would lag by the pass's length; once the
   * lag passes Quartz's misfire threshold the trigger is left to the misfire scan and the partition
   * stalls for up to a minute (measured: no fire for 60 s after six passes).
   */
  private void nextPassIn(JobExecutionContext context, int partition, Duration delay)
      throws SchedulerException {
    // The partition's own trigger, not the one that fired this pass: after a replica died, Quartz
    // runs its interrupted pass again under a one-shot recovery trigger, and replacing that one
    // with a second trigger of the partition's name fails (the partition's trigger still exists).
    Trigger next =
        QuartzCluster.partitionTrigger(partition, Date.from(clock.instant().plus(delay)));
    if (context.getScheduler().rescheduleJob(next.getKey(), next) == null) {
      context.getScheduler().scheduleJob(next); // it was gone: the partition keeps a trigger
    }
  }

  @Override
  public void interrupt() {
    interrupted = true;
  }
}
