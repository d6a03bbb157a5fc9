package dev.scheduler.execution.nodes;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The agent token the service starts with: the built-in one serves the local profile only. */
class AgentTokenTest {

  @Test
  void outside_the_local_profile_the_service_refuses_a_missing_short_or_built_in_token() {
    for (String token : new String[] {null, "", "local-dev-token", "a-short-token"}) {
      assertThatThrownBy(() -> new AgentToken(properties(token), new MockEnvironment()))
          .as("token %s", token)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith(
              "scheduler.execution.nodes.agent-token (SCHEDULER_AGENT_TOKEN) must be a secret");
    }
    assertThatCode(
            () ->
                new AgentToken(
                    properties("a-test-agent-token-of-at-least-32-characters"),
                    new MockEnvironment()))
        .doesNotThrowAnyException();
  }

  @Test
  void the_local_profile_starts_with_the_built_in_token() {
    MockEnvironment local = new MockEnvironment();
    local.setActiveProfiles("local");
    assertThatCode(() -> new AgentToken(properties("local-dev-token"), local))
        .doesNotThrowAnyException();
  }

  private static NodeProperties properties(String token) {
    return new NodeProperties(
        token, Duration.ofSeconds(4), Duration.ofSeconds(6), Duration.ofMillis(500));
  }
}
