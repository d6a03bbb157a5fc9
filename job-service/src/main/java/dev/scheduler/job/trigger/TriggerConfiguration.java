package dev.scheduler.job.trigger;

import dev.scheduler.job.cache.JobCache;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** Wires the Quartz trigger engine. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TriggerProperties.class)
class TriggerConfiguration {

  @Bean
  FireJob fireJob(
      JobCache cache, FirePublisher publisher, Clock clock, TriggerProperties properties) {
    return new FireJob(cache, publisher, clock, properties.misfireThreshold());
  }

  @Bean
  QuartzPartitions quartzPartitions(
      TriggerProperties properties,
      DataSource dataSource,
      PlatformTransactionManager transactions,
      FireJob fireJob) {
    // Every Quartz job of job-service is the same stateless fire job.
    return new QuartzPartitions(
        properties, dataSource, transactions, (bundle, scheduler) -> fireJob);
  }

  @Bean
  TriggerEngine triggerEngine(QuartzPartitions partitions, Clock clock) {
    return new QuartzTriggerEngine(partitions, clock);
  }
}
