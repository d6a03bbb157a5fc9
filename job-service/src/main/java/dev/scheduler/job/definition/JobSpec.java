package dev.scheduler.job.definition;

import dev.scheduler.contracts.BlockStrategy;
import dev.scheduler.contracts.JobType;
import dev.scheduler.contracts.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything an operator defines about a job: what runs, where, when and how failures are handled.
 * Always valid: built only by {@link JobValidator}.
 *
 * @param app the executor group whose agents run it
 * @param name unique among the live jobs of the app
 * @param description free text, may be null
 * @param jobType what the agent runs
 * @param handler the handler bean (BEAN) or plugin (CUSTOM); null for HTTP
 * @param jobData JSON configuration of HTTP and CUSTOM jobs, may be null
 * @param params parameters passed to every fire, may be null
 * @param schedule when it fires
 * @param shardCount number of shards each fire is split into
 * @param shardParameters parameter per shard index, may be empty
 * @param broadcast run once on every live agent of the app instead of sharding
 * @param priority 1 (lowest) to 10, orders fires due at the same moment
 * @param timeout how long one run may take
 * @param retryPolicy how failed runs are retried
 * @param misfirePolicy what happens to missed fires
 * @param misfireFireAllLimit how many missed fires FIRE_ALL replays at most
 * @param blockStrategy what an agent does when a fire overlaps a running one
 * @param owner who is responsible, may be null
 * @param alertContacts who else alerts reach
 * @param tags free labels for filtering
 */
public record JobSpec(
    String app,
    String name,
    String description,
    JobType jobType,
    String handler,
    String jobData,
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
    List<String> tags) {

  public JobSpec {
    shardParameters = Map.copyOf(shardParameters);
    alertContacts = List.copyOf(alertContacts);
    tags = List.copyOf(tags);
  }
}
