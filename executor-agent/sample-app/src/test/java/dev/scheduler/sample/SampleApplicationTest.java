package dev.scheduler.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduler.agent.AgentIdentity;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTest {

  @Autowired TestRestTemplate http;
  @Autowired AgentIdentity agent;

  @Test
  void starts_healthy_with_the_agent_of_its_app() {
    var health = http.getForEntity("/actuator/health", String.class);

    assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(health.getBody()).contains("\"status\":\"UP\"");
    assertThat(agent.app()).isEqualTo("sample-app");
  }
}
