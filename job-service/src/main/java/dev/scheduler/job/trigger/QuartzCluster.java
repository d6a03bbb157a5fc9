package dev.scheduler.job.trigger;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.JobPersistenceException;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.UnableToInterruptJobException;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.spi.JobFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The clustered Quartz scheduler of job-service. It holds one job per partition, each with a
 * repeating trigger; the clustered JDBC store hands every partition to exactly one live replica at
 * a time and moves it when that replica dies.
 */
class QuartzCluster implements SmartLifecycle, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(QuartzCluster.class);
  static final String GROUP = "partitions";

  private final SchedulerFactoryBean factory;
  private final Scheduler scheduler;
  private final TriggerProperties properties;
  private final JdbcClient jdbc;
  private final Clock clock;
  private volatile boolean running;

  QuartzCluster(
      TriggerProperties properties,
      DataSource dataSource,
      PlatformTransactionManager transactions,
      JobFactory jobFactory,
      JdbcClient jdbc,
      Clock clock) {
    this.properties = properties;
    this.jdbc = jdbc;
    this.clock = clock;
    factory = new SchedulerFactoryBean();
    factory.setSchedulerName(properties.clusterName());
    factory.setDataSource(dataSource);
    factory.setTransactionManager(transactions);
    factory.setJobFactory(jobFactory);
    factory.setQuartzProperties(quartzProperties(properties));
    factory.setAutoStartup(false);
    factory.setWaitForJobsToCompleteOnShutdown(true);
    try {
      factory.afterPropertiesSet();
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the Quartz scheduler", e);
    }
    scheduler = factory.getObject();
  }

  Scheduler scheduler() {
    return scheduler;
  }

  @Override
  public void start() {
    rebalance();
    try {
      for (int partition = 0; partition < properties.partitions(); partition++) {
        ensurePartitionJob(partition);
      }
      removePartitionJobsFrom(properties.partitions());
      scheduler.start();
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot start the Quartz scheduler", e);
    }
    running = true;
    log.info("Quartz cluster started with {} partitions", properties.partitions());
  }

  /** Moves trigger rows to the partition the configured count gives them. */
  private void rebalance() {
    int moved =
        jdbc.sql(
                "UPDATE scheduler_job_trigger SET partition_no = MOD(job_id, ?)"
                    + " WHERE partition_no <> MOD(job_id, ?)")
            .params(properties.partitions(), properties.partitions())
            .update();
    if (moved > 0) {
      log.info("moved {} triggers to their partition among {}", moved, properties.partitions());
    }
  }

  private void ensurePartitionJob(int partition) throws SchedulerException {
    JobKey key = JobKey.jobKey("partition-" + partition, GROUP);
    if (scheduler.checkExists(key)) {
      return;
    }
    JobDetail job =
        JobBuilder.newJob(PartitionPassJob.class)
            .withIdentity(key)
            .usingJobData(PartitionPassJob.PARTITION, Integer.toString(partition))
            .storeDurably()
            .requestRecovery()
            .build();
    Trigger trigger = partitionTrigger(partition, Date.from(clock.instant()));
    try {
      scheduler.scheduleJob(job, Set.of(trigger), false);
    } catch (ObjectAlreadyExistsException e) {
      // another replica created it a moment ago
    } catch (JobPersistenceException e) {
      // Replicas starting together on a new database: Quartz checks, then inserts, so the other
      // replica's insert can come in between and this one fails on the duplicate key (seen in the
      // chaos run). The job then exists, created whole in the other's transaction.
      if (!scheduler.checkExists(key)) {
        throw e;
      }
    }
  }

  /** The trigger of a partition's passes: every 100 ms from {@code start}, never misfiring. */
  static Trigger partitionTrigger(int partition, Date start) {
    return TriggerBuilder.newTrigger()
        .withIdentity("partition-" + partition, GROUP)
        .forJob(JobKey.jobKey("partition-" + partition, GROUP))
        .startAt(start)
        .withSchedule(
            SimpleScheduleBuilder.simpleSchedule()
                .withIntervalInMilliseconds(100)
                .repeatForever()
                .withMisfireHandlingInstructionNextWithRemainingCount())
        .build();
  }

  private void removePartitionJobsFrom(int first) throws SchedulerException {
    for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
      int partition = Integer.parseInt(key.getName().substring("partition-".length()));
      if (partition >= first) {
        scheduler.deleteJob(key);
      }
    }
  }

  @Override
  public void stop() {
    destroy();
  }

  /**
   * Also on a failed start, which stops no lifecycle bean: the scheduler must not outlive the pool.
   */
  @Override
  public synchronized void destroy() {
    running = false;
    try {
      for (var job : scheduler.getCurrentlyExecutingJobs()) {
        scheduler.interrupt(job.getJobDetail().getKey());
      }
    } catch (UnableToInterruptJobException e) {
      log.warn("could not interrupt a partition pass", e);
    } catch (SchedulerException e) {
      log.warn("could not list the running partition passes", e);
    }
    try {
      factory.destroy();
    } catch (SchedulerException e) {
      log.warn("Quartz scheduler did not shut down cleanly", e);
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private static Properties quartzProperties(TriggerProperties p) {
    Properties q = new Properties();
    q.setProperty("org.quartz.scheduler.instanceId", p.instanceId());
    q.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    // A partition pass holds a thread for its whole length.
    q.setProperty("org.quartz.threadPool.threadCount", Integer.toString(p.partitions() + 1));
    q.setProperty(
        "org.quartz.scheduler.idleWaitTime", Long.toString(Duration.ofSeconds(1).toMillis()));
    q.setProperty("org.quartz.jobStore.isClustered", "true");
    q.setProperty(
        "org.quartz.jobStore.clusterCheckinInterval",
        Long.toString(p.clusterCheckinInterval().toMillis()));
    // A partition trigger waits, blocked, for the whole pass; it must not count as misfired
    // afterwards, or the pass would only start again when Quartz's misfire scan runs.
    q.setProperty(
        "org.quartz.jobStore.misfireThreshold",
        Long.toString(p.passLength().multipliedBy(6).toMillis()));
    // After a database outage Quartz retries what failed (completing a pass, acquiring the next)
    // this often; its default, 15 s, left partitions without a pass for that much longer.
    q.setProperty("org.quartz.jobStore.dbRetryInterval", "1000");
    q.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
    q.setProperty("org.quartz.jobStore.useProperties", "true");
    q.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
    q.setProperty(
        "org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
    return q;
  }
}
