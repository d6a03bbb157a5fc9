package dev.scheduler.job.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import dev.scheduler.job.definition.JobDefinition;
import dev.scheduler.job.definition.JobRepository;
import dev.scheduler.job.definition.JobSpec;
import dev.scheduler.job.definition.JobStatus;
import dev.scheduler.job.definition.TestSpecs;
import dev.scheduler.testkit.RedisEndpoint;
import dev.scheduler.testkit.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The job cache on a real Redis: what the fire path reads after changes. */
class JobCacheTest {

  private static LettuceConnectionFactory connections;
  private static StringRedisTemplate redis;

  private final JobCache cache =
      new JobCache(redis, mock(JobRepository.class), "cache-test-" + UUID.randomUUID());

  @BeforeAll
  static void connect() {
    RedisEndpoint endpoint = TestRedis.endpoint();
    connections = new LettuceConnectionFactory(endpoint.host(), endpoint.port());
    connections.afterPropertiesSet();
    connections.start();
    redis = new StringRedisTemplate(connections);
  }

  @AfterAll
  static void disconnect() {
    connections.destroy();
  }

  @Test
  void a_change_is_read_at_once_although_unchanged_jobs_are_not_decoded_again() {
    cache.put(job(1, "first", 1));
    cache.put(job(2, "other", 1));
    Map<Long, JobCache.CachedJob> before = cache.getAll(List.of(1L, 2L));

    cache.put(job(1, "second", 2));
    Map<Long, JobCache.CachedJob> after = cache.getAll(List.of(1L, 2L));

    assertThat(after.get(1L).spec().params()).isEqualTo("second");
    assertThat(after.get(1L).version()).isEqualTo(2);
    assertThat(after.get(2L)).isSameAs(before.get(2L)); // same text in Redis: decoded once
  }

  @Test
  void an_evicted_job_is_gone_for_the_fire_path() {
    cache.put(job(3, "x", 1));
    cache.getAll(List.of(3L));

    cache.evict(3);

    assertThat(cache.getAll(List.of(3L))).isEmpty(); // the repository has no job 3 either
  }

  private static JobDefinition job(long id, String params, long version) {
    JobSpec spec =
        TestSpecs.cron(
            "app", "handler", params, "* * * * * ?", 1, Map.of(), false, 5, Duration.ofMinutes(1));
    Instant at = Instant.parse("2026-12-01T00:00:00Z");
    return new JobDefinition(id, spec, JobStatus.ACTIVE, version, at, "test", at, "test");
  }
}
