package dev.scheduler.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One shard of one fire of a job, sent by job-service on {@link Topics#FIRE} (tag: the app, key:
 * the execution id) and consumed by the agents of the app and by execution-service. A retry is the
 * same event with a higher {@code attempt}.
 *
 * @param schemaVersion {@link Contracts#SCHEMA_VERSION} of the writer
 * @param jobId the job definition
 * @param fireId {@link Ids#fireId(long, Instant)} of this fire
 * @param executionId {@link Ids#executionId(String, int)} of this shard of the fire
 * @param app the executor group whose agents run it
 * @param jobType what kind of work the agent runs
 * @param handler the handler bean name (BEAN) or plugin name (CUSTOM); null for HTTP
 * @param jobData the job type's configuration (JSON text for HTTP and CUSTOM), may be null
 * @param params parameters of this fire (the job's or a manual trigger's override), may be null
 * @param shardIndex 0-based shard of this event
 * @param shardTotal number of shards of the fire, at least 1
 * @param shardParameter the parameter configured for this shard, may be null
 * @param scheduledTime when the fire was due, UTC
 * @param firedTime when the scheduler actually fired it, UTC
 * @param timeout how long the handler may run before it is interrupted
 * @param attempt 1 for the first run, higher for retries and failover
 * @param retryPolicy how execution-service retries this execution when it fails
 * @param blockStrategy what the agent does when an earlier fire of the job still runs
 * @param traceId correlates the log lines of this fire across processes
 * @param targetNode for a broadcast job, the one agent instance this event is for (one event per
 *     live agent, sent with tag {@link Topics#broadcastTag(String)}); null for every other job,
 *     whose events any agent of the app may take
 * @param manual whether an operator fired it by hand (a manual trigger) rather than its schedule;
 *     false in events of writers that predate the field
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FireEvent(
    int schemaVersion,
    long jobId,
    String fireId,
    String executionId,
    String app,
    JobType jobType,
    String handler,
    String jobData,
    String params,
    int shardIndex,
    int shardTotal,
    String shardParameter,
    Instant scheduledTime,
    Instant firedTime,
    Duration timeout,
    int attempt,
    RetryPolicy retryPolicy,
    BlockStrategy blockStrategy,
    String traceId,
    String targetNode,
    boolean manual) {

  /** An event of the job's schedule. */
  public FireEvent(
      int schemaVersion,
      long jobId,
      String fireId,
      String executionId,
      String app,
      JobType jobType,
      String handler,
      String jobData,
      String params,
      int shardIndex,
      int shardTotal,
      String shardParameter,
      Instant scheduledTime,
      Instant firedTime,
      Duration timeout,
      int attempt,
      RetryPolicy retryPolicy,
      BlockStrategy blockStrategy,
      String traceId,
      String targetNode) {
    this(
        schemaVersion,
        jobId,
        fireId,
        executionId,
        app,
        jobType,
        handler,
        jobData,
        params,
        shardIndex,
        shardTotal,
        shardParameter,
        scheduledTime,
        firedTime,
        timeout,
        attempt,
        retryPolicy,
        blockStrategy,
        traceId,
        targetNode,
        false);
  }

  /** An event of the job's schedule for any agent of the app (not a broadcast). */
  public FireEvent(
      int schemaVersion,
      long jobId,
      String fireId,
      String executionId,
      String app,
      JobType jobType,
      String handler,
      String jobData,
      String params,
      int shardIndex,
      int shardTotal,
      String shardParameter,
      Instant scheduledTime,
      Instant firedTime,
      Duration timeout,
      int attempt,
      RetryPolicy retryPolicy,
      BlockStrategy blockStrategy,
      String traceId) {
    this(
        schemaVersion,
        jobId,
        fireId,
        executionId,
        app,
        jobType,
        handler,
        jobData,
        params,
        shardIndex,
        shardTotal,
        shardParameter,
        scheduledTime,
        firedTime,
        timeout,
        attempt,
        retryPolicy,
        blockStrategy,
        traceId,
        null);
  }

  public FireEvent {
    schemaVersion = Contracts.versionOrCurrent(schemaVersion);
    Objects.requireNonNull(fireId, "fireId");
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(scheduledTime, "scheduledTime");
    shardTotal = Math.max(1, shardTotal);
    attempt = Math.max(1, attempt);
    retryPolicy = Objects.requireNonNullElse(retryPolicy, RetryPolicy.NONE);
    blockStrategy = Objects.requireNonNullElse(blockStrategy, BlockStrategy.SERIAL);
  }

  /**
   * The broker tag this event is sent with: the app for a first attempt, which goes to the one
   * agent holding its queue; the app's broadcast tag, which every agent of the app reads, for a
   * targeted event and for a later attempt (a retry, a failover). A later attempt must not wait in
   * the queue of an agent that stalled (the broker hands a silent consumer's queues on only after
   * minutes): every agent sees it, and its lease goes to the first that claims it.
   */
  public String tag() {
    return targetNode == null && attempt <= 1 ? app : Topics.broadcastTag(app);
  }

  /** The key of this attempt, unique across retries: see {@link Ids#attemptKey(String, int)}. */
  public String attemptKey() {
    return Ids.attemptKey(executionId, attempt);
  }

  /** The same fire run again as attempt {@code nextAttempt}, fired at {@code firedAt}. */
  public FireEvent nextAttempt(int nextAttempt, Instant firedAt) {
    return copy(nextAttempt, firedAt, manual);
  }

  /** The same event, fired by hand by an operator. */
  public FireEvent manually() {
    return copy(attempt, firedTime, true);
  }

  private FireEvent copy(int newAttempt, Instant newFiredTime, boolean newManual) {
    return new FireEvent(
        Contracts.SCHEMA_VERSION,
        jobId,
        fireId,
        executionId,
        app,
        jobType,
        handler,
        jobData,
        params,
        shardIndex,
        shardTotal,
        shardParameter,
        scheduledTime,
        newFiredTime,
        timeout,
        newAttempt,
        retryPolicy,
        blockStrategy,
        traceId,
        targetNode,
        newManual);
  }
}
