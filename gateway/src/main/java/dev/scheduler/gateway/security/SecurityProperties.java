package dev.scheduler.gateway.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call the API through the gateway, under {@code scheduler.gateway.security}.
 *
 * @param apiKeys the API keys, by the SHA-256 of the key: the keys themselves are never stored
 * @param jwtSecret the HMAC key (at least 32 bytes) that signs bearer tokens (HS256); none accepts
 *     no bearer token
 * @param jwtRoleClaim the claim of a token that holds the caller's role
 */
@Validated
@ConfigurationProperties("scheduler.gateway.security")
public record SecurityProperties(
    @DefaultValue List<@Valid ApiKey> apiKeys,
    String jwtSecret,
    @DefaultValue("role") @NotBlank String jwtRoleClaim) {

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
}
