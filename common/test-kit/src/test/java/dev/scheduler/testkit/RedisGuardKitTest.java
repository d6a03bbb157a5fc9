package dev.scheduler.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/** The guard pattern the agents rely on, against the real Redis. */
@SpringBootTest(classes = RedisGuardKitTest.App.class, properties = "spring.main.banner-mode=off")
@RealServers(database = false, rocketmq = false)
class RedisGuardKitTest {

  private static final RedisScript<Long> RELEASE =
      RedisScript.of(
          "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1])"
              + " else return 0 end",
          Long.class);

  @Autowired StringRedisTemplate redis;

  private final String key = "kit-test:guard:" + UUID.randomUUID();

  @Test
  void a_second_holder_is_excluded_until_the_first_releases() {
    assertThat(acquire("holder-a", Duration.ofSeconds(30))).isTrue();

    assertThat(acquire("holder-b", Duration.ofSeconds(30))).isFalse();
    assertThat(release("holder-b")).isFalse();
    assertThat(redis.opsForValue().get(key)).isEqualTo("holder-a");

    assertThat(release("holder-a")).isTrue();
    assertThat(acquire("holder-b", Duration.ofSeconds(30))).isTrue();
    assertThat(redis.opsForValue().get(key)).isEqualTo("holder-b");
    release("holder-b");
  }

  @Test
  void an_abandoned_guard_expires_and_can_then_be_taken() {
    assertThat(acquire("crashed-holder", Duration.ofMillis(300))).isTrue();
    assertThat(acquire("holder-b", Duration.ofSeconds(30))).isFalse();

    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> acquire("holder-b", Duration.ofSeconds(30)));
    assertThat(redis.opsForValue().get(key)).isEqualTo("holder-b");
    release("holder-b");
  }

  private boolean acquire(String token, Duration expiry) {
    return Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(key, token, expiry));
  }

  private boolean release(String token) {
    return redis.execute(RELEASE, List.of(key), token) == 1L;
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}
}
