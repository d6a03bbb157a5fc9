package dev.scheduler.gateway.limits;

import dev.scheduler.contracts.ProblemCode;
import dev.scheduler.gateway.GatewayProblems;
import dev.scheduler.gateway.security.CallerHeaders;
import java.util.Optional;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ratelimit.RateLimiter;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Limits each authenticated caller with a token bucket in Redis, whichever service it calls: over
 * the limit it gets a 429 problem with {@code Retry-After}, and the request goes nowhere. The
 * bucket arithmetic is the gateway's own {@link RedisRateLimiter} (one atomic script per request);
 * this filter only chooses the bucket by caller rather than by route and answers with a problem
 * response, which the stock {@code RequestRateLimiter} filter does not. Should Redis fail, requests
 * pass (the limiter's own choice): an outage of the limiter does not become an outage of the API.
 */
@Component
@EnableConfigurationProperties(RateLimitProperties.class)
public class CallerRateLimit implements GlobalFilter, Ordered {

  /** Requests the caller may still send at once. */
  public static final String REMAINING_HEADER = "X-RateLimit-Remaining";

  private static final String DEFAULT_CONFIG = "scheduler:default";

  private final RedisRateLimiter limiter;
  private final RateLimitProperties properties;

  public CallerRateLimit(RedisRateLimiter limiter, RateLimitProperties properties) {
    this.limiter = limiter;
    this.properties = properties;
    limiter.getConfig().put(DEFAULT_CONFIG, bucket(properties.defaults()));
    properties.callers().forEach((caller, limit) -> limiter.getConfig().put(caller, bucket(limit)));
  }

  /**
   * The limiter's bucket for a limit: a request costs {@code per} (in seconds) tokens and {@code
   * requests} tokens come back each second, so {@code requests} per {@code per} on average.
   */
  private static RedisRateLimiter.Config bucket(RateLimitProperties.Limit limit) {
    int cost = (int) limit.per().toSeconds();
    return new RedisRateLimiter.Config()
        .setReplenishRate(limit.requests())
        .setRequestedTokens(cost)
        .setBurstCapacity(Math.multiplyExact(limit.burst(), cost));
  }

  /**
   * Requests the caller may still send at once, from the limiter's tokens left; none when the
   * limiter could not ask Redis.
   */
  private static Optional<Long> remaining(
      RateLimiter.Response response, RateLimitProperties.Limit limit) {
    String tokens = response.getHeaders().get(RedisRateLimiter.REMAINING_HEADER);
    if (tokens == null || tokens.startsWith("-")) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(tokens) / limit.per().toSeconds());
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    String caller = exchange.getAttribute(CallerHeaders.CALLER_ATTRIBUTE);
    if (!properties.enabled() || caller == null) {
      return chain.filter(exchange);
    }
    boolean own = properties.callers().containsKey(caller);
    String config = own ? caller : DEFAULT_CONFIG;
    RateLimitProperties.Limit limit =
        own ? properties.callers().get(caller) : properties.defaults();
    return limiter
        .isAllowed(config, properties.redisKeyPrefix() + caller)
        .flatMap(
            response -> {
              HttpHeaders headers = exchange.getResponse().getHeaders();
              remaining(response, limit)
                  .ifPresent(left -> headers.set(REMAINING_HEADER, Long.toString(left)));
              if (response.isAllowed()) {
                return chain.filter(exchange);
              }
              headers.set(HttpHeaders.RETRY_AFTER, Long.toString(limit.retryAfterSeconds()));
              return GatewayProblems.write(
                  exchange,
                  ProblemCode.RATE_LIMITED,
                  caller
                      + " may send "
                      + limit.requests()
                      + " requests per "
                      + limit.per().toSeconds()
                      + " s (bursts of "
                      + limit.burst()
                      + "); retry after "
                      + limit.retryAfterSeconds()
                      + " s");
            });
  }

  /** After {@link CallerHeaders}, which names the caller; before any route's own filter. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 1;
  }
}
