package dev.scheduler.job.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;

/** How a pass hands its partition on, on an in-memory Quartz scheduler (not started). */
class PartitionPassJobTest {

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  private static final Date LATER = Date.from(NOW.plusSeconds(3600));

  private Scheduler scheduler;
  private JobDetail job;

  @BeforeEach
  void scheduler() throws Exception {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "pass-job-" + UUID.randomUUID());
    p.setProperty("org.quartz.threadPool.threadCount", "1");
    p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    scheduler = new StdSchedulerFactory(p).getScheduler();
    job =
        JobBuilder.newJob(PartitionPassJob.class)
            .withIdentity("partition-0", QuartzCluster.GROUP)
            .usingJobData(PartitionPassJob.PARTITION, "0")
            .storeDurably()
            .requestRecovery()
            .build();
    scheduler.scheduleJob(job, QuartzCluster.partitionTrigger(0, LATER));
  }

  @AfterEach
  void shutdown() throws Exception {
    scheduler.shutdown();
  }

  @Test
  void a_pass_restarts_its_partition_trigger_from_now() throws Exception {
    run(scheduler.getTrigger(partitionTrigger()));

    assertThat(scheduler.getTrigger(partitionTrigger()).getNextFireTime())
        .isEqualTo(Date.from(NOW));
  }

  @Test
  void a_pass_recovered_after_a_replica_died_hands_on_the_partition_trigger() throws Exception {
    // What Quartz's cluster manager adds for a dead replica's interrupted pass.
    Trigger recovery =
        TriggerBuilder.newTrigger()
            .withIdentity("recover_dead-replica_1", Scheduler.DEFAULT_RECOVERY_GROUP)
            .forJob(job.getKey())
            .startAt(LATER)
            .build();
    scheduler.scheduleJob(recovery);

    run(recovery);

    assertThat(scheduler.getTrigger(partitionTrigger()).getNextFireTime())
        .isEqualTo(Date.from(NOW));
  }

  @Test
  void a_pass_that_failed_still_restarts_its_partition_trigger_from_now() throws Exception {
    // The trigger still shows when the pass began, long ago: left so, Quartz would take it for
    // misfired and the partition would wait for the misfire scan.
    scheduler.rescheduleJob(
        partitionTrigger(), QuartzCluster.partitionTrigger(0, Date.from(NOW.minusSeconds(90))));
    PartitionPass pass = mock(PartitionPass.class);
    org.mockito.BDDMockito.willThrow(new IllegalStateException("database away"))
        .given(pass)
        .run(anyInt(), any(), any(), any());
    when(fairShare.allows(anyInt())).thenReturn(true);
    JobExecutionContext context = context(scheduler.getTrigger(partitionTrigger()));

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new PartitionPassJob(
                        pass, fairShare, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(10))
                    .execute(context))
        .isInstanceOf(org.quartz.JobExecutionException.class);

    assertThat(scheduler.getTrigger(partitionTrigger()).getNextFireTime())
        .isEqualTo(Date.from(NOW.plusSeconds(1)));
  }

  @Test
  void a_pass_goes_on_while_its_replica_runs_no_more_than_its_fair_share() throws Exception {
    BooleanSupplier goOn = run(scheduler.getTrigger(partitionTrigger()));
    assertThat(goOn.getAsBoolean()).isTrue();

    when(fairShare.keeps(anyInt())).thenReturn(false); // a replica joined: the share shrank
    assertThat(goOn.getAsBoolean()).isFalse();

    when(fairShare.keeps(anyInt())).thenThrow(new IllegalStateException("database away"));
    assertThat(goOn.getAsBoolean()).isFalse();
  }

  private final FairShare fairShare = mock(FairShare.class);

  /** Runs the job once; returns what its pass was given to ask whether to go on. */
  private BooleanSupplier run(Trigger firing) throws Exception {
    PartitionPass pass = mock(PartitionPass.class);
    when(fairShare.allows(anyInt())).thenReturn(true);
    when(fairShare.keeps(anyInt())).thenReturn(true);
    JobExecutionContext context = context(firing);
    new PartitionPassJob(pass, fairShare, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(10))
        .execute(context);
    ArgumentCaptor<BooleanSupplier> goOn = ArgumentCaptor.forClass(BooleanSupplier.class);
    verify(pass).run(anyInt(), any(), any(), goOn.capture());
    return goOn.getValue();
  }

  private JobExecutionContext context(Trigger firing) throws Exception {
    JobExecutionContext context = mock(JobExecutionContext.class);
    when(context.getScheduler()).thenReturn(scheduler);
    when(context.getTrigger()).thenReturn(firing);
    when(context.getMergedJobDataMap()).thenReturn(new JobDataMap(job.getJobDataMap()));
    return context;
  }

  private static TriggerKey partitionTrigger() {
    return TriggerKey.triggerKey("partition-0", QuartzCluster.GROUP);
  }
}
