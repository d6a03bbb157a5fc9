package dev.scheduler.execution.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An execution as the API shows it.
 *
 * @param executionId {@code <jobId>-<scheduled epoch ms>-<shard>}
 * @param fireId the fire it belongs to
 * @param jobId the job
 * @param app the executor group
 * @param jobType BEAN, HTTP or CUSTOM; null until the fire event arrived
 * @param handler the handler or plugin
 * @param shardIndex this shard
 * @param shardTotal shards of the fire
 * @param shardParameter the shard's parameter
 * @param status where it stands
 * @param attempt the current attempt
 * @param maxAttempts attempts the retry policy allows
 * @param nodeId the agent running or last running it
 * @param triggerType what made the current attempt run: SCHEDULE, RETRY, FAILOVER or MANUAL
 * @param scheduledAt when it was due
 * @param firedAt when the current attempt was sent
 * @param startedAt when the current attempt started
 * @param finishedAt when it ended
 * @param nextRetryAt when the next attempt is due (RETRYING)
 * @param timeout how long a run may take
 * @param result the handler's result
 * @param error what went wrong
 * @param traceId correlates its log lines across processes
 * @param logLines log lines stored
 * @param logTruncated whether lines were dropped beyond the bounds
 * @param duplicateEvents redelivered events counted and ignored
 * @param attempts every attempt, oldest first (detail only)
 */
public record ExecutionView(
    String executionId,
    String fireId,
    long jobId,
    String app,
    String jobType,
    String handler,
    int shardIndex,
    int shardTotal,
    String shardParameter,
    String status,
    int attempt,
    int maxAttempts,
    String nodeId,
    String triggerType,
    Instant scheduledAt,
    Instant firedAt,
    Instant startedAt,
    Instant finishedAt,
    Instant nextRetryAt,
    Duration timeout,
    String result,
    String error,
    String traceId,
    long logLines,
    boolean logTruncated,
    int duplicateEvents,
    List<AttemptView> attempts) {

  /**
   * One attempt.
   *
   * @param attempt its number, from 1
   * @param triggerType why it ran
   * @param status how it stands or ended
   * @param nodeId where it ran
   * @param firedAt when it was sent
   * @param startedAt when it started
   * @param finishedAt when it ended
   * @param error what went wrong
   */
  public record AttemptView(
      int attempt,
      String triggerType,
      String status,
      String nodeId,
      Instant firedAt,
      Instant startedAt,
      Instant finishedAt,
      String error) {}

  ExecutionView withAttempts(List<AttemptView> all) {
    return new ExecutionView(
        executionId,
        fireId,
        jobId,
        app,
        jobType,
        handler,
        shardIndex,
        shardTotal,
        shardParameter,
        status,
        attempt,
        maxAttempts,
        nodeId,
        triggerType,
        scheduledAt,
        firedAt,
        startedAt,
        finishedAt,
        nextRetryAt,
        timeout,
        result,
        error,
        traceId,
        logLines,
        logTruncated,
        duplicateEvents,
        all);
  }
}
