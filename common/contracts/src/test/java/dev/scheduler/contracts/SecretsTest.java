package dev.scheduler.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretsTest {

  private static final List<String> BUILT_IN = List.of("local-dev-token");
  private static final String STRONG = "k3Jq9-a-secret-of-well-over-32-characters";

  @Test
  void outside_the_local_profile_a_missing_short_or_built_in_secret_is_refused_by_name() {
    assertThatThrownBy(() -> Secrets.require(false, "x.token (X_TOKEN)", null, BUILT_IN))
        .hasMessage(
            "x.token (X_TOKEN) must be a secret of at least 32 characters outside the 'local'"
                + " profile: it is not set");
    assertThatThrownBy(() -> Secrets.require(false, "x.token", "local-dev-token", BUILT_IN))
        .hasMessageEndingWith("it is the local stack's built-in value");
    assertThatThrownBy(() -> Secrets.require(false, "x.token", "short-one", BUILT_IN))
        .hasMessageEndingWith("it is shorter than 32 characters");
    assertThatCode(() -> Secrets.require(false, "x.token", STRONG, BUILT_IN))
        .doesNotThrowAnyException();
  }

  @Test
  void the_local_profile_takes_the_built_in_secrets() {
    assertThatCode(() -> Secrets.require(true, "x.token", "local-dev-token", BUILT_IN))
        .doesNotThrowAnyException();
    assertThat(Secrets.weakness("local-dev-token", BUILT_IN)).isPresent();
  }
}
