package dev.scheduler.job.trigger;

import dev.scheduler.job.cache.JobCache;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/** Wires the trigger engine. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TriggerProperties.class)
class TriggerConfiguration {

  @Bean
  TriggerStore triggerStore(JdbcClient jdbc, JdbcTemplate template, TriggerProperties properties) {
    return new TriggerStore(jdbc, template, properties.partitions());
  }

  @Bean
  PartitionPass partitionPass(
      TriggerStore store,
      JobCache cache,
      FirePublisher publisher,
      TriggerProperties properties,
      Clock clock) {
    return new PartitionPass(
        store,
        cache,
        publisher,
        properties,
        clock,
        PartitionPass.realTime(clock),
        PartitionPass.twoThreads("partition-pass"));
  }

  @Bean
  QuartzCluster quartzCluster(
      TriggerProperties properties,
      DataSource dataSource,
      PlatformTransactionManager transactions,
      PartitionPass pass,
      Clock clock,
      JdbcClient jdbc) {
    // Each partition pass is a fresh job instance: it carries its own interrupt flag. The fair
    // share is the replica's, shared by its passes.
    FairShare fairShare = new FairShare(jdbc, properties, clock);
    return new QuartzCluster(
        properties,
        dataSource,
        transactions,
        (bundle, scheduler) ->
            new PartitionPassJob(pass, fairShare, clock, properties.passLength()),
        jdbc,
        clock);
  }

  @Bean
  TriggerEngine triggerEngine(TriggerStore store, Clock clock) {
    return new ScanTriggerEngine(store, clock);
  }
}
