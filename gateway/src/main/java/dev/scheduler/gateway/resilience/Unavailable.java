package dev.scheduler.gateway.resilience;

import dev.scheduler.contracts.ProblemCode;
import dev.scheduler.gateway.GatewayProblems;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Where a route's circuit breaker sends a request its service did not serve: the service's circuit
 * is open, it did not answer within its time limit, or it could not be reached. The client gets a
 * 503 problem at once that says which, instead of waiting on a broken service. Reached only by the
 * routes' {@code forward:} fallback; the security rules refuse it from outside.
 */
@RestController
public class Unavailable {

  /** Path prefix of the fallback; the service id follows. */
  public static final String PATH = "/unavailable/";

  private final CircuitBreakerRegistry circuitBreakers;
  private final TimeLimiterRegistry timeLimiters;

  public Unavailable(CircuitBreakerRegistry circuitBreakers, TimeLimiterRegistry timeLimiters) {
    this.circuitBreakers = circuitBreakers;
    this.timeLimiters = timeLimiters;
  }

  @RequestMapping(PATH + "{service}")
  public Mono<Void> unavailable(@PathVariable String service, ServerWebExchange exchange) {
    Throwable cause =
        exchange.getAttribute(ServerWebExchangeUtils.CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR);
    String detail;
    if (cause instanceof CallNotPermittedException) {
      Duration wait =
          Duration.ofMillis(
              circuitBreakers
                  .circuitBreaker(service)
                  .getCircuitBreakerConfig()
                  .getWaitIntervalFunctionInOpenState()
                  .apply(1));
      exchange
          .getResponse()
          .getHeaders()
          .set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, wait.toSeconds())));
      detail =
          service
              + " failed too often; its circuit is open and requests are refused for up to "
              + wait.toSeconds()
              + " s";
    } else if (cause instanceof TimeoutException) {
      detail =
          service
              + " did not answer within "
              + timeLimiters
                  .timeLimiter(service)
                  .getTimeLimiterConfig()
                  .getTimeoutDuration()
                  .toMillis()
              + " ms; the request may still take effect";
    } else {
      detail =
          service
              + " could not be reached"
              + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
    return GatewayProblems.write(exchange, ProblemCode.SERVICE_UNAVAILABLE, detail);
  }
}
