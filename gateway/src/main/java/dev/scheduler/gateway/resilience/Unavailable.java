package dev.scheduler.gateway.resilience;

import dev.scheduler.contracts.Headers;
import dev.scheduler.contracts.ProblemCode;
import dev.scheduler.gateway.GatewayProblems;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Where a route's circuit breaker sends a request its service did not serve: the service's circuit
 * is open, the route has as many calls in progress as it lets through, the service did not answer
 * within its time limit, or it could not be reached. The client gets a 503 problem at once that
 * says which, instead of waiting on a broken service. Reached only by the routes' {@code forward:}
 * fallback; the security rules refuse it from outside.
 */
@RestController
public class Unavailable {

  /** Path prefix of the fallback; the service id follows. */
  public static final String PATH = "/unavailable/";

  private static final Logger LOG = LoggerFactory.getLogger(Unavailable.class);

  private final CircuitBreakerRegistry circuitBreakers;
  private final TimeLimiterRegistry timeLimiters;
  private final BulkheadRegistry bulkheads;

  public Unavailable(
      CircuitBreakerRegistry circuitBreakers,
      TimeLimiterRegistry timeLimiters,
      BulkheadRegistry bulkheads) {
    this.circuitBreakers = circuitBreakers;
    this.timeLimiters = timeLimiters;
    this.bulkheads = bulkheads;
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
    } else if (cause instanceof BulkheadFullException) {
      exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
      detail =
          service
              + " has as many requests in progress as this gateway lets through ("
              + bulkheads.bulkhead(service).getBulkheadConfig().getMaxConcurrentCalls()
              + "); try again shortly";
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
      // The cause names internal addresses: it goes to the log, not to the client.
      LOG.warn(
          "{} could not be reached for request {}: {}",
          service,
          exchange.getRequest().getHeaders().getFirst(Headers.REQUEST_ID),
          cause == null ? "no cause" : cause.toString());
      detail = service + " could not be reached";
    }
    return GatewayProblems.write(
        exchange, ProblemCode.SERVICE_UNAVAILABLE, detail, requestedPath(exchange));
  }

  /** The path the client asked for, not the fallback's it was forwarded to. */
  private static String requestedPath(ServerWebExchange exchange) {
    Set<URI> urls = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ORIGINAL_REQUEST_URL_ATTR);
    return urls == null || urls.isEmpty()
        ? exchange.getRequest().getPath().value()
        : urls.iterator().next().getRawPath();
  }
}
