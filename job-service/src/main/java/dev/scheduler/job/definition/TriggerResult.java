package dev.scheduler.job.definition;

import java.time.Instant;
import java.util.List;

/**
 * What a manual trigger started.
 *
 * @param jobId the job
 * @param fireId the fire
 * @param scheduledTime the instant the fire is recorded at
 * @param executionIds one per shard
 */
public record TriggerResult(
    long jobId, String fireId, Instant scheduledTime, List<String> executionIds) {}
