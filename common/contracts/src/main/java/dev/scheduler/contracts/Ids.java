package dev.scheduler.contracts;

import java.time.Instant;
import java.util.Objects;

/**
 * The deterministic ids every consumer is idempotent on. The same job due at the same instant
 * always yields the same fire id, whichever scheduler replica fires it and however often, so a
 * duplicate fire or a redelivered message lands on the same row and the same execution guard.
 */
public final class Ids {

  private Ids() {}

  /** {@code <jobId>-<scheduled epoch millis>}. */
  public static String fireId(long jobId, Instant scheduledTime) {
    Objects.requireNonNull(scheduledTime, "scheduledTime");
    return jobId + "-" + scheduledTime.toEpochMilli();
  }

  /** {@code <fireId>-<shardIndex>}. */
  public static String executionId(String fireId, int shardIndex) {
    Objects.requireNonNull(fireId, "fireId");
    if (shardIndex < 0) {
      throw new IllegalArgumentException("shard index must be >= 0, got " + shardIndex);
    }
    return fireId + "-" + shardIndex;
  }

  /**
   * {@code <executionId>#<attempt>}: one attempt of an execution. The agent's execution guard is
   * keyed on it, so that a retry (a new attempt) runs while a redelivery of an attempt does not.
   */
  public static String attemptKey(String executionId, int attempt) {
    Objects.requireNonNull(executionId, "executionId");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
    }
    return executionId + "#" + attempt;
  }

  /**
   * The parts of an execution id: what a consumer can know of an execution from its id alone,
   * before the fire event itself arrived.
   *
   * @param jobId the job
   * @param scheduledTime when the fire was due
   * @param shardIndex the shard
   */
  public record ExecutionIdParts(long jobId, Instant scheduledTime, int shardIndex) {

    /** The fire id these parts belong to. */
    public String fireId() {
      return Ids.fireId(jobId, scheduledTime);
    }
  }

  /**
   * Splits an execution id made by {@link #executionId(String, int)}.
   *
   * @throws IllegalArgumentException when {@code executionId} is not of that form
   */
  public static ExecutionIdParts parseExecutionId(String executionId) {
    String[] parts = executionId == null ? new String[0] : executionId.split("-");
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "execution id must be <jobId>-<epoch ms>-<shard>, got '" + executionId + "'");
    }
    try {
      return new ExecutionIdParts(
          Long.parseLong(parts[0]),
          Instant.ofEpochMilli(Long.parseLong(parts[1])),
          Integer.parseInt(parts[2]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "execution id must be <jobId>-<epoch ms>-<shard>, got '" + executionId + "'", e);
    }
  }
}
