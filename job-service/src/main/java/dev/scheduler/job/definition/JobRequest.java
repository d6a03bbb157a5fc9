package dev.scheduler.job.definition;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The body of a create or update, as the client sent it. Enumerations arrive as text so that a
 * wrong value is reported against its field like any other mistake; {@link JobValidator} turns a
 * request into a {@link JobSpec} or lists everything wrong with it.
 */
public record JobRequest(
    String app,
    String name,
    String description,
    String jobType,
    @JsonAlias("jobClass") String handler,
    JsonNode jobData,
    String params,
    ScheduleRequest schedule,
    Integer shardCount,
    JsonNode shardParameters,
    Boolean broadcast,
    Integer priority,
    Duration timeout,
    RetryRequest retryPolicy,
    String misfirePolicy,
    Integer misfireFireAllLimit,
    String blockStrategy,
    String owner,
    List<String> alertContacts,
    List<String> tags,
    Long version) {

  /** The schedule part of a request. */
  public record ScheduleRequest(
      String type,
      String cron,
      Duration fixedRate,
      Instant fireAt,
      String timeZone,
      Instant startAt,
      Instant endAt) {}

  /** The retry part of a request. */
  public record RetryRequest(
      Integer maxAttempts, String backoff, Duration initialDelay, Duration maxDelay) {}
}
