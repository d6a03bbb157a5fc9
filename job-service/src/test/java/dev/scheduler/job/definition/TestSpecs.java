package dev.scheduler.job.definition;

import dev.scheduler.contracts.BlockStrategy;
import dev.scheduler.contracts.JobType;
import dev.scheduler.contracts.RetryPolicy;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** Job definitions for tests: a BEAN job on a UTC cron, no retries, SERIAL. */
public final class TestSpecs {

  private TestSpecs() {}

  /**
   * @param shardParameters parameters by shard; empty for none
   */
  public static JobSpec cron(
      String app,
      String handler,
      String params,
      String cron,
      int shards,
      Map<Integer, String> shardParameters,
      boolean broadcast,
      int priority,
      Duration timeout) {
    return new JobSpec(
        app,
        handler + "-job",
        null,
        JobType.BEAN,
        handler,
        null,
        params,
        new Schedule(ScheduleType.CRON, cron, null, null, ZoneOffset.UTC, null, null),
        shards,
        shardParameters,
        broadcast,
        priority,
        timeout,
        RetryPolicy.NONE,
        MisfirePolicy.FIRE_NOW,
        10,
        BlockStrategy.SERIAL,
        null,
        List.of(),
        List.of());
  }
}
