package dev.scheduler.gateway.limits;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How many requests each caller may send through the gateway, under {@code
 * scheduler.gateway.rate-limit}.
 *
 * @param enabled whether requests are limited at all
 * @param defaults the limit of every caller without one of its own
 * @param callers limits of single callers, by the caller's identity as the services see it ({@code
 *     key:<name>} for an API key, the subject for a bearer token)
 * @param redisKeyPrefix prefix of the Redis keys that hold the callers' buckets
 */
@Validated
@ConfigurationProperties("scheduler.gateway.rate-limit")
public record RateLimitProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue @Valid Limit defaults,
    @DefaultValue Map<String, @Valid Limit> callers,
    @DefaultValue("scheduler:gateway:") @NotBlank String redisKeyPrefix) {

  /**
   * A token bucket: {@code requests} per {@code per} on average, with up to {@code burst} at once.
   *
   * @param requests requests allowed per period
   * @param per the period, in whole seconds
   * @param burst requests allowed at once after a quiet spell
   */
  public record Limit(
      @DefaultValue("20") @Min(1) int requests,
      @DefaultValue("1s") @NotNull Duration per,
      @DefaultValue("40") @Min(1) int burst) {

    @AssertTrue(message = "per must be a whole number of seconds, at least 1s")
    public boolean isPerWholeSeconds() {
      return per != null && per.toSeconds() >= 1 && per.toMillis() % 1000 == 0;
    }

    /** Seconds until a caller who used up its bucket may send one request again. */
    public long retryAfterSeconds() {
      return Math.max(1, (per.toSeconds() + requests - 1) / requests);
    }
  }
}
