package dev.scheduler.job.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import dev.scheduler.job.definition.JobDefinition;
import dev.scheduler.job.definition.JobRepository;
import dev.scheduler.job.definition.JobSpec;
import dev.scheduler.job.definition.JobStatus;
import dev.scheduler.job.definition.TestSpecs;
import dev.scheduler.testkit.RedisAcl;
import dev.scheduler.testkit.RedisEndpoint;
import dev.scheduler.testkit.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The job cache under the Redis user the deployment gives job-service ({@link RedisAcl}): it does
 * all the fire path and the health check need; a user scoped to a business app's keys (what an app
 * would get, at most) can neither read nor write the job cache.
 */
class JobCacheAclTest {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String JOB_USER = "scheduler-job-" + RUN;
  private static final String APP_USER = "app-billing-" + RUN;
  private static final String PASSWORD = "pw-" + UUID.randomUUID();

  private static StringRedisTemplate admin;
  private static LettuceConnectionFactory adminConnections;
  private static LettuceConnectionFactory jobConnections;
  private static LettuceConnectionFactory appConnections;

  @BeforeAll
  static void users() {
    RedisEndpoint endpoint = TestRedis.endpoint();
    adminConnections = connect(endpoint, null);
    admin = new StringRedisTemplate(adminConnections);
    RedisAcl.setUser(JOB_USER, PASSWORD, RedisAcl.JOB_SERVICE);
    RedisAcl.setUser(APP_USER, PASSWORD, "~app:billing:* resetchannels +@all");
    jobConnections = connect(endpoint, JOB_USER);
    appConnections = connect(endpoint, APP_USER);
  }

  @AfterAll
  static void remove() {
    jobConnections.destroy();
    appConnections.destroy();
    RedisAcl.deleteUser(JOB_USER);
    RedisAcl.deleteUser(APP_USER);
    adminConnections.destroy();
  }

  @Test
  void job_service_fills_reads_and_evicts_the_cache_and_answers_its_health_check() {
    JobCache cache =
        new JobCache(
            new StringRedisTemplate(jobConnections), mock(JobRepository.class), "acl-" + RUN);
    cache.put(job(1, "first"));
    cache.put(job(2, "other"));
    assertThat(cache.getAll(List.of(1L, 2L))).containsOnlyKeys(1L, 2L);
    cache.evict(1);
    assertThat(cache.getAll(List.of(1L))).isEmpty();

    // What Spring Boot's Redis health indicator sends.
    Properties info = jobConnections.getConnection().serverCommands().info("server");
    assertThat(info).containsKey("redis_version");
    assertThat(jobConnections.getConnection().ping()).isEqualTo("PONG");
  }

  @Test
  void an_app_scoped_user_cannot_read_or_write_the_job_cache() {
    JobCache cache =
        new JobCache(
            new StringRedisTemplate(jobConnections), mock(JobRepository.class), "acl-app-" + RUN);
    cache.put(job(7, "payroll"));
    String key = cache.key(7);
    StringRedisTemplate app = new StringRedisTemplate(appConnections);

    assertThatThrownBy(() -> app.opsForValue().set(key, "{\"forged\":true}"))
        .hasStackTraceContaining("NOPERM");
    assertThatThrownBy(() -> app.opsForValue().get(key)).hasStackTraceContaining("NOPERM");
    assertThatThrownBy(() -> app.delete(key)).hasStackTraceContaining("NOPERM");
    assertThat(admin.opsForValue().get(key)).contains("payroll");
    app.opsForValue().set("app:billing:own", "fine"); // its own keys it may write
  }

  private static LettuceConnectionFactory connect(RedisEndpoint endpoint, String user) {
    RedisStandaloneConfiguration config =
        new RedisStandaloneConfiguration(endpoint.host(), endpoint.port());
    if (user != null) {
      config.setUsername(user);
      config.setPassword(PASSWORD);
    }
    LettuceConnectionFactory factory = new LettuceConnectionFactory(config);
    factory.afterPropertiesSet();
    factory.start();
    return factory;
  }

  private static JobDefinition job(long id, String params) {
    JobSpec spec =
        TestSpecs.cron(
            "app", "handler", params, "* * * * * ?", 1, Map.of(), false, 5, Duration.ofMinutes(1));
    Instant at = Instant.parse("2026-12-01T00:00:00Z");
    return new JobDefinition(id, spec, JobStatus.ACTIVE, 1, at, "test", at, "test");
  }
}
