package dev.scheduler.agent;

import java.time.Instant;

/**
 * What a handler knows of the shard of the fire it runs.
 *
 * @see SchedulerJob
 * @see JobHandler
 */
public interface JobContext {

  long jobId();

  /** Unique per job, shard and scheduled time: the same on every delivery of this shard. */
  String executionId();

  /** The job's parameters, or those the operator gave when triggering by hand. */
  String params();

  /** The job's type-specific configuration (HTTP request, plugin settings). */
  String jobData();

  /** This shard, from 0. */
  int shardIndex();

  int shardTotal();

  /** The parameter configured for this shard, or null. */
  String shardParameter();

  /** 1 for the first run, more for retries. */
  int attempt();

  /** When the fire was due. */
  Instant scheduledTime();

  /** Lines that reach the execution's log. */
  JobLog log();

  /**
   * Whether the execution was cancelled or ran past its timeout. The handler's thread is also
   * interrupted; a handler that loops should check this and return.
   */
  boolean cancelled();
}
