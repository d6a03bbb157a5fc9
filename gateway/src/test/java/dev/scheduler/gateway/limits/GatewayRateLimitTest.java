package dev.scheduler.gateway.limits;

import static dev.scheduler.gateway.TestGateway.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduler.contracts.Headers;
import dev.scheduler.gateway.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Each caller's requests are counted in the real Redis: past its limit a caller gets 429 problems
 * with Retry-After and its requests go nowhere, while other callers go on. Limits are slow enough
 * (a request per minute after the burst) that no refill can happen while the test runs.
 */
@TestPropertySource(
    properties = {
      "scheduler.gateway.rate-limit.defaults.requests=1",
      "scheduler.gateway.rate-limit.defaults.per=60s",
      "scheduler.gateway.rate-limit.defaults.burst=3",
      "scheduler.gateway.rate-limit.callers[key\\:admin].requests=1",
      "scheduler.gateway.rate-limit.callers[key\\:admin].per=30s",
      "scheduler.gateway.rate-limit.callers[key\\:admin].burst=6"
    })
class GatewayRateLimitTest extends GatewayTest {

  @Test
  void a_caller_past_its_limit_gets_429_with_retry_after_and_others_go_on() {
    for (int left = 2; left >= 0; left--) {
      get("VIEWER", "/api/v1/jobs")
          .expectStatus()
          .isOk()
          .expectHeader()
          .valueEquals(CallerRateLimit.REMAINING_HEADER, Integer.toString(left));
    }
    int reached = SERVICE.seen().size();

    get("VIEWER", "/api/v1/executions")
        .expectStatus()
        .isEqualTo(429)
        .expectHeader()
        .valueEquals(HttpHeaders.RETRY_AFTER, "60")
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("RATE_LIMITED")
        .jsonPath("$.detail")
        .isEqualTo("key:viewer may send 1 requests per 60 s (bursts of 3); retry after 60 s");
    assertThat(SERVICE.seen()).as("a refused request goes nowhere").hasSize(reached);

    // another caller has its own bucket
    get("OPERATOR", "/api/v1/jobs").expectStatus().isOk();
  }

  @Test
  void a_caller_with_a_limit_of_its_own_gets_that_one() {
    for (int left = 5; left >= 0; left--) {
      get("ADMIN", "/api/v1/nodes")
          .expectStatus()
          .isOk()
          .expectHeader()
          .valueEquals(CallerRateLimit.REMAINING_HEADER, Integer.toString(left));
    }
    get("ADMIN", "/api/v1/nodes")
        .expectStatus()
        .isEqualTo(429)
        .expectHeader()
        .valueEquals(HttpHeaders.RETRY_AFTER, "30");
  }

  private WebTestClient.ResponseSpec get(String role, String path) {
    return http.get().uri(path).header(Headers.API_KEY, key(role)).exchange();
  }
}
