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
   * Whether the execution was cancelled, ran past its timeout or lost its lease. The handler's
   * thread is also interrupted; a handler that loops should check this and return.
   */
  boolean cancelled();

  /**
   * The fencing token of the lease this attempt runs under: higher for every later lease of this
   * execution (a retry, a failover), on whichever node. Pass it to a store that keeps the highest
   * token it has seen per resource and refuses writes with a lower one: then a stale holder (paused
   * past its lease while a later attempt took over) cannot overwrite the newer one's work.
   */
  long fencingToken();

  /**
   * Checks that this attempt still holds its lease; call it right before a side effect outside the
   * platform (a payment, a write to another system). Once the lease is lost or cannot be confirmed
   * (this node could not reach execution-service within the lease's time, or was paused past it),
   * another attempt may run elsewhere, and a side effect made now might be made twice.
   *
   * @throws LeaseLostException when the lease is lost; let it propagate: the attempt reports
   *     LEASE_LOST and runs again as the next attempt
   */
  void checkLease();
}
