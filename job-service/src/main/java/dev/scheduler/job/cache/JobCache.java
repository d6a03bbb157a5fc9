package dev.scheduler.job.cache;

import dev.scheduler.contracts.Json;
import dev.scheduler.job.definition.JobDefinition;
import dev.scheduler.job.definition.JobRepository;
import dev.scheduler.job.definition.JobSpec;
import dev.scheduler.job.definition.JobStatus;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * What the fire path needs of a job, kept in Redis so that firing reads no job row. Changes write
 * the new value after their commit; a fire that misses loads the row and stores it only if no newer
 * value arrived meanwhile (set-if-absent), so a slow fire never puts back a stale job. If Redis is
 * down, fires read the database instead of failing.
 *
 * <p>Keys are {@code scheduler:<cluster name>:job:<id>}: job ids are only unique within one
 * database, so two job-service clusters sharing a Redis (two environments, or test contexts over
 * different databases) must not read each other's jobs. Without the cluster name in the key, a test
 * context fired another context's job 1 with its own trigger row: every fire sent twice.
 */
@Component
public class JobCache {

  private static final Logger log = LoggerFactory.getLogger(JobCache.class);
  private static final Duration TTL = Duration.ofHours(24);

  /** Jobs whose decoded value is kept: a second of fires at 1,000 jobs/s, and room to spare. */
  static final int DECODED_KEPT = 4_096;

  private final StringRedisTemplate redis;
  private final JobRepository jobs;
  private final String prefix;

  /**
   * The value last read from Redis for a job, with the text it was decoded from: a claim reads the
   * same jobs every few hundred milliseconds, and decoding the JSON each time was a third of
   * job-service's CPU at 1,000 fires/s (profiled). A changed value has another text and is decoded
   * again, so nothing here can be staler than Redis. Least recently read entries go first.
   */
  private final Map<Long, Decoded> decoded =
      Collections.synchronizedMap(
          new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Decoded> eldest) {
              return size() > DECODED_KEPT;
            }
          });

  private record Decoded(String json, CachedJob job) {}

  public JobCache(
      StringRedisTemplate redis,
      JobRepository jobs,
      @Value("${scheduler.job.trigger.cluster-name:scheduler-job}") String clusterName) {
    this.redis = redis;
    this.jobs = jobs;
    this.prefix = "scheduler:" + clusterName + ":job:";
  }

  /**
   * What a fire needs of a job.
   *
   * @param spec the definition
   * @param status its state
   * @param version its version
   */
  public record CachedJob(JobSpec spec, JobStatus status, long version) {}

  String key(long jobId) {
    return prefix + jobId;
  }

  /**
   * What fires need of several jobs, in one Redis round trip; jobs that no longer exist are absent
   * from the result.
   */
  public Map<Long, CachedJob> getAll(Collection<Long> jobIds) {
    Map<Long, CachedJob> found = new HashMap<>();
    List<Long> ids = List.copyOf(jobIds);
    boolean redisAnswered = true;
    try {
      List<String> values = redis.opsForValue().multiGet(ids.stream().map(this::key).toList());
      for (int i = 0; i < ids.size(); i++) {
        String json = values == null ? null : values.get(i);
        if (json != null) {
          found.put(ids.get(i), decode(ids.get(i), json));
        }
      }
    } catch (RuntimeException e) {
      redisAnswered = false;
      log.warn(
          "job cache unavailable, reading {} jobs from the database: {}", ids.size(), e.toString());
    }
    for (Long id : ids) {
      if (found.containsKey(id)) {
        continue;
      }
      Optional<CachedJob> loaded = jobs.find(id).map(JobCache::of);
      if (loaded.isPresent()) {
        found.put(id, loaded.get());
        if (redisAnswered) {
          write(id, loaded.get(), true);
        }
      }
    }
    return found;
  }

  private CachedJob decode(long jobId, String json) {
    Decoded known = decoded.get(jobId);
    if (known != null && known.json().equals(json)) {
      return known.job();
    }
    CachedJob job = Json.fromJson(json, CachedJob.class);
    decoded.put(jobId, new Decoded(json, job));
    return job;
  }

  /**
   * What fires need of several jobs as the database has them now, for entries suspected stale; the
   * cache is refreshed the way a miss refreshes it, so a concurrent change still wins.
   */
  public Map<Long, CachedJob> reload(Collection<Long> jobIds) {
    try {
      redis.delete(jobIds.stream().map(this::key).toList());
    } catch (RuntimeException e) {
      log.warn("could not evict {} jobs from the cache: {}", jobIds.size(), e.toString());
    }
    return getAll(jobIds);
  }

  /** Stores the job as it is now; call after the change committed. */
  public void put(JobDefinition job) {
    write(job.id(), of(job), false);
  }

  /** Forgets a deleted job; call after the delete committed. */
  public void evict(long jobId) {
    try {
      redis.delete(key(jobId));
    } catch (RuntimeException e) {
      log.warn("could not evict job {} from the cache: {}", jobId, e.toString());
    }
  }

  private void write(long jobId, CachedJob job, boolean onlyIfAbsent) {
    try {
      String json = Json.toJson(job);
      if (onlyIfAbsent) {
        redis.opsForValue().setIfAbsent(key(jobId), json, TTL);
      } else {
        redis.opsForValue().set(key(jobId), json, TTL);
      }
    } catch (RuntimeException e) {
      log.warn("could not cache job {}: {}", jobId, e.toString());
    }
  }

  private static CachedJob of(JobDefinition job) {
    return new CachedJob(job.spec(), job.status(), job.version());
  }
}
