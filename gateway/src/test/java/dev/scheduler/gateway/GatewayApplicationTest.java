package dev.scheduler.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GatewayApplicationTest extends GatewayTest {

  @Test
  void starts_and_reports_healthy() {
    String body =
        http.get()
            .uri("/actuator/health")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();

    assertThat(body).contains("\"status\":\"UP\"");
  }
}
