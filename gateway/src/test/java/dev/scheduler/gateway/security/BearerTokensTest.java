package dev.scheduler.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bearer token settings the gateway refuses to start with, and the subjects a token may carry. */
class BearerTokensTest {

  private static final String SECRET = "a-test-secret-of-at-least-32-bytes-long!";

  @Test
  void a_key_without_an_issuer_a_short_key_a_reused_id_or_a_long_skew_stop_the_start() {
    assertThatThrownBy(() -> BearerTokens.decoder(jwt(null, Duration.ZERO, key("a", SECRET))))
        .hasMessageContaining("scheduler.gateway.security.jwt.issuer");
    assertThatThrownBy(() -> BearerTokens.decoder(jwt("i", Duration.ZERO, key("a", "short"))))
        .hasMessageContaining("the secret of a must be at least 32 bytes");
    assertThatThrownBy(
            () ->
                BearerTokens.decoder(
                    jwt("i", Duration.ZERO, key("a", SECRET), key("a", SECRET + "2"))))
        .hasMessageContaining("the id a is used twice");
    assertThatThrownBy(
            () -> BearerTokens.decoder(jwt("i", Duration.ofMinutes(6), key("a", SECRET))))
        .hasMessageContaining("clock-skew");
    assertThat(BearerTokens.decoder(jwt("i", Duration.ofSeconds(30), key("a", SECRET))))
        .isNotNull();
  }

  @Test
  void a_subject_may_not_take_the_name_of_another_kind_of_caller() {
    assertThat(BearerTokens.ownSubject("alice")).isTrue();
    assertThat(BearerTokens.ownSubject("alice@example.com")).isTrue();
    assertThat(BearerTokens.ownSubject("key:admin")).isFalse();
    assertThat(BearerTokens.ownSubject("Key:admin")).isFalse();
    assertThat(BearerTokens.ownSubject("service:job-service")).isFalse();
    assertThat(BearerTokens.ownSubject("agent:billing")).isFalse();
    assertThat(BearerTokens.ownSubject("line\nbreak")).isFalse();
    assertThat(BearerTokens.ownSubject(" ")).isFalse();
    assertThat(BearerTokens.ownSubject("x".repeat(129))).isFalse();
  }

  private static SecurityProperties.Jwt jwt(
      String issuer, Duration skew, SecurityProperties.Key... keys) {
    return new SecurityProperties.Jwt(List.of(keys), issuer, "scheduler-api", skew, "role");
  }

  private static SecurityProperties.Key key(String id, String secret) {
    return new SecurityProperties.Key(id, secret);
  }
}
