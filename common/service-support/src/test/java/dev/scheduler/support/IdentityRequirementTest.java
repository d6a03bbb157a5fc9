package dev.scheduler.support;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scheduler.identity.IdentityVerifier;
import dev.scheduler.testkit.TestIdentities;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** A service outside the local profile does not start believing plain caller headers. */
class IdentityRequirementTest {

  @Test
  void outside_the_local_profile_a_service_without_trusted_keys_does_not_start() {
    assertThatThrownBy(
            () -> IdentityRequirement.check(properties(List.of()), new MockEnvironment()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("scheduler.identity.trusted-keys")
        .hasMessageContaining("outside the 'local' profile");
  }

  @Test
  void with_a_trusted_key_or_in_the_local_profile_it_starts() {
    List<IdentityVerifier.TrustedKey> gateway =
        List.of(new IdentityVerifier.TrustedKey(TestIdentities.KEY_ID, TestIdentities.publicKey()));
    assertThatCode(() -> IdentityRequirement.check(properties(gateway), new MockEnvironment()))
        .doesNotThrowAnyException();
    MockEnvironment local = new MockEnvironment();
    local.setActiveProfiles("local");
    assertThatCode(() -> IdentityRequirement.check(properties(List.of()), local))
        .doesNotThrowAnyException();
  }

  private static IdentityProperties properties(List<IdentityVerifier.TrustedKey> keys) {
    return new IdentityProperties(keys, null, null);
  }
}
