package dev.scheduler.gateway.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call the API through the gateway, under {@code scheduler.gateway.security}.
 *
 * @param apiKeys the API keys, by the SHA-256 of the key: the keys themselves are never stored
 * @param jwt what a bearer token must be to be accepted
 */
@Validated
@ConfigurationProperties("scheduler.gateway.security")
public record SecurityProperties(
    @DefaultValue List<@Valid ApiKey> apiKeys, @DefaultValue @Valid @NotNull Jwt jwt) {

  /**
   * One API key.
   *
   * @param name who holds it; the services see it as the caller
   * @param sha256 the hex SHA-256 of the key
   * @param role what it may do
   */
  public record ApiKey(
      @NotBlank String name,
      @NotBlank @Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be 64 hex digits")
          String sha256,
      @NotNull Role role) {}

  /**
   * Bearer tokens (HS256 JWTs). A token must name this issuer and audience, carry an expiry and a
   * subject, and be signed with one of the keys: the one its {@code kid} header names, any of them
   * when it names none. None configured accepts no bearer token.
   *
   * @param keys the signing keys by id; several while a key is rotated
   * @param issuer the {@code iss} every token must carry
   * @param audience a value the token's {@code aud} must hold
   * @param clockSkew how far the clocks of the token's issuer and the gateway may differ
   * @param roleClaim the claim of a token that holds the caller's role
   */
  public record Jwt(
      @DefaultValue List<@Valid Key> keys,
      String issuer,
      @DefaultValue("scheduler-api") @NotBlank String audience,
      @DefaultValue("30s") @NotNull Duration clockSkew,
      @DefaultValue("role") @NotBlank String roleClaim) {

    /** The longest clock skew accepted: a longer one would stretch every token's life. */
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    /** Whether bearer tokens are accepted at all. */
    boolean enabled() {
      return keys.stream().anyMatch(k -> k.secret() != null && !k.secret().isEmpty());
    }
  }

  /**
   * One HMAC key of bearer tokens.
   *
   * @param id the {@code kid} of the tokens it signs
   * @param secret the key, at least 32 bytes; empty leaves the key out
   */
  public record Key(@NotBlank String id, String secret) {}
}
