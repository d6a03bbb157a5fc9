package dev.scheduler.gateway.security;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scheduler.testkit.TestIdentities;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** Outside the local profile the gateway does not start without a key to sign identities with. */
class IdentityKeyRequiredTest {

  @Test
  void outside_the_local_profile_the_gateway_needs_its_signing_key() {
    assertThatThrownBy(
            () -> new CallerHeaders(new IdentityProperties(null, null), new MockEnvironment()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("scheduler.gateway.identity.private-key");
    assertThatCode(
            () ->
                new CallerHeaders(
                    new IdentityProperties(TestIdentities.KEY_ID, TestIdentities.privateKey()),
                    new MockEnvironment()))
        .doesNotThrowAnyException();
  }

  @Test
  void the_local_stack_may_go_without() {
    MockEnvironment local = new MockEnvironment();
    local.setActiveProfiles("local");
    assertThatCode(() -> new CallerHeaders(new IdentityProperties(null, null), local))
        .doesNotThrowAnyException();
  }
}
