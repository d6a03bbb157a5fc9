package dev.scheduler.job.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.scheduler.contracts.BlockStrategy;
import dev.scheduler.contracts.JobType;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.job.trigger.TriggerEngine.FireTimes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A job as the API shows it: its definition, state and last/next fire. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
    long id,
    String app,
    String name,
    String description,
    JobType jobType,
    String handler,
    JsonNode jobData,
    String params,
    Schedule schedule,
    int shardCount,
    Map<Integer, String> shardParameters,
    boolean broadcast,
    int priority,
    Duration timeout,
    RetryPolicy retryPolicy,
    MisfirePolicy misfirePolicy,
    int misfireFireAllLimit,
    BlockStrategy blockStrategy,
    String owner,
    List<String> alertContacts,
    List<String> tags,
    JobStatus status,
    long version,
    Instant createdAt,
    String createdBy,
    Instant updatedAt,
    String updatedBy,
    Instant previousFireTime,
    Instant nextFireTime) {

  public static JobView of(JobDefinition job, FireTimes fireTimes) {
    JobSpec s = job.spec();
    return new JobView(
        job.id(),
        s.app(),
        s.name(),
        s.description(),
        s.jobType(),
        s.handler(),
        jobData(s.jobData()),
        s.params(),
        s.schedule(),
        s.shardCount(),
        s.shardParameters(),
        s.broadcast(),
        s.priority(),
        s.timeout(),
        s.retryPolicy(),
        s.misfirePolicy(),
        s.misfireFireAllLimit(),
        s.blockStrategy(),
        s.owner(),
        s.alertContacts(),
        s.tags(),
        job.status(),
        job.version(),
        job.createdAt(),
        job.createdBy(),
        job.updatedAt(),
        job.updatedBy(),
        fireTimes.previous(),
        fireTimes.next());
  }

  /**
   * The job as an audit record keeps it: everything but the fire times, which change by themselves.
   */
  public static JobView snapshot(JobDefinition job) {
    return of(job, new FireTimes(null, null));
  }

  private static JsonNode jobData(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Json.fromJson(text, JsonNode.class);
    } catch (Json.MalformedMessageException e) {
      return TextNode.valueOf(text);
    }
  }
}
