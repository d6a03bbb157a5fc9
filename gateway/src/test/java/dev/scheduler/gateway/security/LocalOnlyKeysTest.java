package dev.scheduler.gateway.security;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The local stack's API key opens the gateway in the local profile only. */
class LocalOnlyKeysTest {

  private static final SecurityProperties.ApiKey OWN =
      new SecurityProperties.ApiKey("ops", "ab".repeat(32), Role.ADMIN);
  private static final SecurityProperties.ApiKey BUILT_IN =
      new SecurityProperties.ApiKey(
          "admin", LocalOnlyKeys.BUILT_IN_SHA256.toUpperCase(java.util.Locale.ROOT), Role.ADMIN);

  @Test
  void outside_the_local_profile_the_built_in_key_stops_the_start_naming_it() {
    assertThatThrownBy(() -> LocalOnlyKeys.check(List.of(OWN, BUILT_IN), new MockEnvironment()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "scheduler.gateway.security.api-keys[1] (admin) is the local stack's built-in key")
        .hasMessageContaining("SCHEDULER_GATEWAY_ADMIN_KEY_SHA256");
    assertThatCode(() -> LocalOnlyKeys.check(List.of(OWN), new MockEnvironment()))
        .doesNotThrowAnyException();
  }

  @Test
  void the_local_profile_takes_it() {
    MockEnvironment local = new MockEnvironment();
    local.setActiveProfiles("local");
    assertThatCode(() -> LocalOnlyKeys.check(List.of(BUILT_IN), local)).doesNotThrowAnyException();
  }
}
