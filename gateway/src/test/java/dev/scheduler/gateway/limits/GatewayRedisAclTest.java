package dev.scheduler.gateway.limits;

import dev.scheduler.contracts.Headers;
import dev.scheduler.gateway.StubService;
import dev.scheduler.gateway.TestGateway;
import dev.scheduler.testkit.RealServers;
import dev.scheduler.testkit.RedisAcl;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The rate limit under the Redis user the deployment gives the gateway ({@link RedisAcl#GATEWAY}):
 * its Lua script reads and writes the buckets, so the limit holds.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@RealServers(database = false, rocketmq = false)
class GatewayRedisAclTest {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String USER = "scheduler-gateway-" + RUN;
  private static final String PASSWORD = "pw-" + UUID.randomUUID();
  private static final StubService SERVICE = new StubService();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    RedisAcl.setUser(USER, PASSWORD, RedisAcl.GATEWAY);
    TestGateway.register(registry, SERVICE);
    registry.add("spring.data.redis.username", () -> USER);
    registry.add("spring.data.redis.password", () -> PASSWORD);
    // The deployment's prefix, which the user's key pattern covers.
    registry.add(
        "scheduler.gateway.rate-limit.redis-key-prefix", () -> "scheduler:gateway:" + RUN + ":");
    registry.add("scheduler.gateway.rate-limit.defaults.requests", () -> "1");
    registry.add("scheduler.gateway.rate-limit.defaults.per", () -> "60s");
    registry.add("scheduler.gateway.rate-limit.defaults.burst", () -> "2");
  }

  @AfterAll
  static void remove() {
    RedisAcl.deleteUser(USER);
  }

  @Autowired WebTestClient http;

  @Test
  void the_buckets_are_kept_so_the_limit_holds() {
    for (String left : new String[] {"1", "0"}) {
      http.get()
          .uri("/api/v1/jobs")
          .header(Headers.API_KEY, TestGateway.key("VIEWER"))
          .exchange()
          .expectStatus()
          .isOk()
          .expectHeader()
          .valueEquals(CallerRateLimit.REMAINING_HEADER, left);
    }
    http.get()
        .uri("/api/v1/jobs")
        .header(Headers.API_KEY, TestGateway.key("VIEWER"))
        .exchange()
        .expectStatus()
        .isEqualTo(429);
  }
}
