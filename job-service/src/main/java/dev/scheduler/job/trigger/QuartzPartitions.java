package dev.scheduler.job.trigger;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.spi.JobFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The clustered Quartz schedulers of job-service, one per partition of the jobs, sharing the {@code
 * QRTZ_} tables under different scheduler names. Each partition has its own trigger-access lock, so
 * fires of different partitions never wait for each other's lock; within a partition every replica
 * competes and each occurrence fires on exactly one of them.
 */
class QuartzPartitions implements SmartLifecycle, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(QuartzPartitions.class);

  private final List<SchedulerFactoryBean> factories = new ArrayList<>();
  private final List<Scheduler> schedulers = new ArrayList<>();
  private volatile boolean running;

  QuartzPartitions(
      TriggerProperties properties,
      DataSource dataSource,
      PlatformTransactionManager transactions,
      JobFactory jobFactory) {
    for (int partition = 0; partition < properties.partitions(); partition++) {
      SchedulerFactoryBean factory = new SchedulerFactoryBean();
      factory.setSchedulerName(name(partition));
      // Quartz then reads and writes its tables in the caller's transaction (JobStoreCMT).
      factory.setDataSource(dataSource);
      factory.setTransactionManager(transactions);
      factory.setJobFactory(jobFactory);
      factory.setQuartzProperties(quartzProperties(properties));
      factory.setAutoStartup(false);
      factory.setWaitForJobsToCompleteOnShutdown(true);
      try {
        factory.afterPropertiesSet();
      } catch (Exception e) {
        throw new IllegalStateException("cannot create Quartz scheduler " + name(partition), e);
      }
      factories.add(factory);
      schedulers.add(factory.getObject());
    }
  }

  static String name(int partition) {
    return "scheduler-job-p" + partition;
  }

  /** The scheduler that owns {@code jobId}. */
  Scheduler of(long jobId) {
    return schedulers.get((int) Math.floorMod(jobId, (long) schedulers.size()));
  }

  List<Scheduler> all() {
    return List.copyOf(schedulers);
  }

  @Override
  public void start() {
    for (Scheduler scheduler : schedulers) {
      try {
        scheduler.start();
      } catch (SchedulerException e) {
        throw new IllegalStateException("cannot start Quartz scheduler", e);
      }
    }
    running = true;
    log.info("started {} clustered Quartz schedulers", schedulers.size());
  }

  @Override
  public void stop() {
    destroy();
  }

  /**
   * Also on a failed start, which stops no lifecycle bean: the schedulers must not outlive the
   * pool.
   */
  @Override
  public synchronized void destroy() {
    running = false;
    for (SchedulerFactoryBean factory : factories) {
      try {
        factory.destroy();
      } catch (SchedulerException e) {
        log.warn("Quartz scheduler did not shut down cleanly", e);
      }
    }
    factories.clear();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private static Properties quartzProperties(TriggerProperties p) {
    Properties q = new Properties();
    q.setProperty("org.quartz.scheduler.instanceId", p.instanceId());
    q.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    q.setProperty(
        "org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(p.batchSize()));
    q.setProperty(
        "org.quartz.scheduler.batchTriggerAcquisitionFireAheadTimeWindow",
        Long.toString(p.fireAheadWindow().toMillis()));
    q.setProperty("org.quartz.threadPool.threadCount", Integer.toString(p.threadsPerPartition()));
    q.setProperty("org.quartz.jobStore.isClustered", "true");
    q.setProperty(
        "org.quartz.jobStore.clusterCheckinInterval",
        Long.toString(p.clusterCheckinInterval().toMillis()));
    q.setProperty(
        "org.quartz.jobStore.misfireThreshold", Long.toString(p.misfireThreshold().toMillis()));
    // Needed for batches above one, and keeps acquisition consistent across replicas.
    q.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
    q.setProperty("org.quartz.jobStore.useProperties", "true");
    q.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
    q.setProperty(
        "org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
    return q;
  }
}
