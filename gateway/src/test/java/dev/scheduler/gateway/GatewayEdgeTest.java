package dev.scheduler.gateway;

import static dev.scheduler.gateway.TestGateway.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.Headers;
import java.time.Duration;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.TestPropertySource;

/**
 * What every request meets at the gateway besides security: a request id passed on and returned, an
 * access log line, CORS for the configured origin only, and the API documentation of the services
 * in one Swagger UI.
 */
@TestPropertySource(
    properties = {
      "spring.cloud.gateway.server.webflux.globalcors.cors-configurations.[/api/**].allowed-origins="
          + GatewayEdgeTest.CONSOLE,
      "spring.cloud.gateway.server.webflux.globalcors.cors-configurations.[/api/**].allowed-methods=GET,POST",
      "spring.cloud.gateway.server.webflux.globalcors.cors-configurations.[/api/**].allowed-headers=X-Api-Key,Content-Type",
      "spring.cloud.gateway.server.webflux.globalcors.cors-configurations.[/api/**].exposed-headers=X-Request-Id"
    })
@ExtendWith(OutputCaptureExtension.class)
class GatewayEdgeTest extends GatewayTest {

  static final String CONSOLE = "https://console.example.com";

  @Test
  void a_request_id_reaches_the_service_comes_back_and_is_in_the_access_log(CapturedOutput output) {
    String given =
        http.get()
            .uri("/api/v1/jobs/1")
            .header(Headers.API_KEY, key("VIEWER"))
            .exchange()
            .expectStatus()
            .isOk()
            .returnResult(String.class)
            .getResponseHeaders()
            .getFirst(Headers.REQUEST_ID);
    assertThat(given).isNotBlank();
    assertThat(SERVICE.seen()).anySatisfy(seen -> assertThat(seen.requestId()).isEqualTo(given));
    awaitLogged(output, "GET /api/v1/jobs/1 200 ", "caller=key:viewer requestId=" + given);

    // the client's own id is kept when it is plain, replaced when it is not
    http.get()
        .uri("/api/v1/jobs/2")
        .header(Headers.API_KEY, key("VIEWER"))
        .header(Headers.REQUEST_ID, "client-id-42")
        .exchange()
        .expectHeader()
        .values(Headers.REQUEST_ID, ids -> assertThat(ids).containsExactly("client-id-42"))
        .expectBody()
        .jsonPath("$.requestId")
        .isEqualTo("client-id-42");
    String replaced =
        http.get()
            .uri("/api/v1/jobs/3")
            .header(Headers.API_KEY, key("VIEWER"))
            .header(Headers.REQUEST_ID, "evil\" line")
            .exchange()
            .returnResult(String.class)
            .getResponseHeaders()
            .getFirst(Headers.REQUEST_ID);
    assertThat(replaced).isNotEqualTo("evil\" line").matches("[0-9a-f-]{36}");
  }

  @Test
  void a_refused_request_has_a_request_id_in_its_problem_and_its_log_line(CapturedOutput output) {
    http.get()
        .uri("/api/v1/executions")
        .header(Headers.REQUEST_ID, "refused-1")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .valueEquals(Headers.REQUEST_ID, "refused-1")
        .expectBody()
        .jsonPath("$.requestId")
        .isEqualTo("refused-1");
    awaitLogged(output, "GET /api/v1/executions 401 ", "requestId=refused-1");
  }

  @Test
  void cors_answers_the_configured_origin_and_refuses_others() {
    int before = SERVICE.seen().size();
    http.options()
        .uri("/api/v1/jobs")
        .header(HttpHeaders.ORIGIN, CONSOLE)
        .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "X-Api-Key")
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, CONSOLE);
    http.options()
        .uri("/api/v1/jobs")
        .header(HttpHeaders.ORIGIN, "https://elsewhere.example.com")
        .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .exchange()
        .expectStatus()
        .isForbidden()
        .expectHeader()
        .doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
    assertThat(SERVICE.seen()).as("preflights stay at the gateway").hasSize(before);

    http.get()
        .uri("/api/v1/jobs")
        .header(HttpHeaders.ORIGIN, CONSOLE)
        .header(Headers.API_KEY, key("VIEWER"))
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, CONSOLE)
        .expectHeader()
        .valueEquals(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, Headers.REQUEST_ID);
  }

  @Test
  void one_swagger_ui_shows_the_api_descriptions_of_all_services() {
    http.get().uri("/swagger-ui.html").exchange().expectStatus().is3xxRedirection();
    http.get().uri("/swagger-ui/index.html").exchange().expectStatus().isOk();
    http.get()
        .uri("/v3/api-docs/swagger-config")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.urls[*].url")
        .value(
            urls ->
                assertThat(urls)
                    .asInstanceOf(InstanceOfAssertFactories.LIST)
                    .containsExactlyInAnyOrder(
                        "/api-docs/job-service",
                        "/api-docs/execution-service",
                        "/api-docs/monitor-service"));

    for (String service : TestGateway.SERVICES) {
      http.method(HttpMethod.GET)
          .uri("/api-docs/" + service)
          .exchange()
          .expectStatus()
          .isOk()
          .expectBody()
          .jsonPath("$.path")
          .isEqualTo("/v3/api-docs");
    }
  }

  /**
   * Waits for an access log line holding {@code parts}: it is written when the exchange completes,
   * which may be just after the client has the response.
   */
  private static void awaitLogged(CapturedOutput output, String... parts) {
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(output).contains(parts));
  }
}
