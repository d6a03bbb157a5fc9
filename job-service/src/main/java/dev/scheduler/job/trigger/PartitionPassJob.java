package dev.scheduler.job.trigger;

import java.time.Clock;
import java.time.Duration;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.InterruptableJob;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;

/**
 * The Quartz job of one partition. Quartz's clustered store runs it on one replica at a time
 * ({@link DisallowConcurrentExecution}) and, if that replica dies, on another ({@code
 * requestsRecovery}); its trigger repeats, so a partition moves between replicas at the end of each
 * pass.
 */
@DisallowConcurrentExecution
class PartitionPassJob implements InterruptableJob {

  static final String PARTITION = "partition";

  private final PartitionPass pass;
  private final Clock clock;
  private final Duration passLength;
  private volatile boolean interrupted;

  PartitionPassJob(PartitionPass pass, Clock clock, Duration passLength) {
    this.pass = pass;
    this.clock = clock;
    this.passLength = passLength;
  }

  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    int partition = Integer.parseInt(context.getMergedJobDataMap().getString(PARTITION));
    try {
      pass.run(partition, clock.instant().plus(passLength), () -> interrupted);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      throw new JobExecutionException("pass of partition " + partition + " failed", e);
    }
  }

  @Override
  public void interrupt() {
    interrupted = true;
  }
}
