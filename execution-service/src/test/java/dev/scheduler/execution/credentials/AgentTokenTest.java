package dev.scheduler.execution.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/**
 * The shared agent token: optional, but when set outside the local profile it must be a real
 * secret; the built-in one serves the local profile only.
 */
class AgentTokenTest {

  private static final String STRONG = "a-test-agent-token-of-at-least-32-characters";

  @Test
  void outside_the_local_profile_the_service_refuses_a_short_or_built_in_token() {
    for (String token : new String[] {"local-dev-token", "a-short-token"}) {
      assertThatThrownBy(() -> new AgentToken(token, new MockEnvironment()))
          .as("token %s", token)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith(
              "scheduler.execution.nodes.agent-token (SCHEDULER_AGENT_TOKEN) must be a secret");
    }
    assertThat(new AgentToken(STRONG, new MockEnvironment()).matches(STRONG)).isTrue();
  }

  @Test
  void unset_it_accepts_nothing() {
    for (String token : new String[] {null, ""}) {
      AgentToken none = new AgentToken(token, new MockEnvironment());
      assertThat(none.matches("")).isFalse();
      assertThat(none.matches(null)).isFalse();
      assertThat(none.matches(STRONG)).isFalse();
    }
  }

  @Test
  void the_local_profile_starts_with_the_built_in_token() {
    MockEnvironment local = new MockEnvironment();
    local.setActiveProfiles("local");
    assertThatCode(() -> new AgentToken("local-dev-token", local)).doesNotThrowAnyException();
    assertThat(new AgentToken("local-dev-token", local).matches("local-dev-token2")).isFalse();
  }
}
