package dev.scheduler.gateway.resilience;

import static dev.scheduler.gateway.TestGateway.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.Headers;
import dev.scheduler.gateway.StubService;
import dev.scheduler.gateway.TestGateway;
import dev.scheduler.testkit.FreePorts;
import dev.scheduler.testkit.RealServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A service that hangs or cannot be reached costs clients no more than its route's time limit, and
 * once its circuit opens not even that: each gets a 503 problem saying why, and an open circuit
 * sends nothing more to the broken service. Other routes are unaffected.
 */
@TestPropertySource(
    properties = {
      "resilience4j.timelimiter.instances.job-service.timeout-duration=400ms",
      "resilience4j.circuitbreaker.instances.job-service.sliding-window-size=4",
      "resilience4j.circuitbreaker.instances.job-service.minimum-number-of-calls=4",
      "resilience4j.circuitbreaker.instances.job-service.wait-duration-in-open-state=60s",
      "resilience4j.circuitbreaker.instances.job-service.automatic-transition-from-open-to-half-open-enabled=false",
      // the calls at once below are more than a caller's default burst
      "scheduler.gateway.rate-limit.defaults.burst=1000",
      "scheduler.gateway.rate-limit.defaults.requests=1000"
    })
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@RealServers(database = false, rocketmq = false)
class GatewayResilienceTest {

  // A stub of its own: the shared one cannot stand for a service that is down.
  private static final StubService SERVICE = new StubService();

  @Autowired WebTestClient http;
  @LocalServerPort int port;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TestGateway.register(registry, SERVICE);
    // monitor-service is down: nothing listens where discovery says it is
    int closed = FreePorts.any();
    registry.add(
        "spring.cloud.discovery.client.simple.instances.monitor-service[0].uri",
        () -> "http://127.0.0.1:" + closed);
  }

  @AfterAll
  static void stopService() {
    SERVICE.close();
  }

  @Test
  void a_hanging_service_times_out_then_its_circuit_opens_and_answers_503_at_once() {
    SERVICE.hang("/api/v1/jobs/");

    for (int i = 0; i < 4; i++) {
      unavailable("/api/v1/jobs/" + i)
          .jsonPath("$.detail")
          .isEqualTo("job-service did not answer within 400 ms; the request may still take effect");
    }
    long reachedService =
        SERVICE.seen().stream().filter(s -> s.path().startsWith("/api/v1/jobs/")).count();
    assertThat(reachedService).isEqualTo(4);

    // the circuit is open: refused at the gateway, the service sees nothing more
    http.get()
        .uri("/api/v1/jobs/5")
        .header(Headers.API_KEY, key("VIEWER"))
        .exchange()
        .expectStatus()
        .isEqualTo(503)
        .expectHeader()
        .valueEquals(HttpHeaders.RETRY_AFTER, "60")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("SERVICE_UNAVAILABLE")
        .jsonPath("$.detail")
        .isEqualTo(
            "job-service failed too often; its circuit is open and requests are refused for up"
                + " to 60 s");
    assertThat(SERVICE.seen().stream().filter(s -> s.path().startsWith("/api/v1/jobs/")))
        .hasSize(4);

    // another service's route still serves
    http.get()
        .uri("/api/v1/executions/1-2-0")
        .header(Headers.API_KEY, key("VIEWER"))
        .exchange()
        .expectStatus()
        .isOk();
  }

  @Test
  void many_slow_calls_at_once_all_reach_the_service() throws Exception {
    // More at once than Spring Cloud CircuitBreaker's own bulkhead lets through (25) unless set.
    int calls = 60;
    SERVICE.hang("/api/v1/nodes");
    HttpClient client = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      answers.add(
          client.sendAsync(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/nodes"))
                  .header(Headers.API_KEY, key("VIEWER"))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    try {
      await()
          .atMost(Duration.ofSeconds(8))
          .untilAsserted(
              () ->
                  assertThat(
                          SERVICE.seen().stream()
                              .filter(s -> s.path().startsWith("/api/v1/nodes"))
                              .count())
                      .isEqualTo(calls));
    } finally {
      SERVICE.reset();
    }
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void an_unreachable_service_answers_a_503_problem() {
    unavailable("/api/v1/alerts")
        .jsonPath("$.detail")
        .isEqualTo("monitor-service could not be reached")
        .jsonPath("$.instance")
        .isEqualTo("/api/v1/alerts");
  }

  private WebTestClient.BodyContentSpec unavailable(String path) {
    return http.get()
        .uri(path)
        .header(Headers.API_KEY, key("VIEWER"))
        .header(Headers.REQUEST_ID, "unavailable-1")
        .exchange()
        .expectStatus()
        .isEqualTo(503)
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("SERVICE_UNAVAILABLE")
        .jsonPath("$.status")
        .isEqualTo(503)
        .jsonPath("$.requestId")
        .isEqualTo("unavailable-1");
  }
}
