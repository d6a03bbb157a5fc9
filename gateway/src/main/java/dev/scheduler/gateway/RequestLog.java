package dev.scheduler.gateway;

import dev.scheduler.contracts.Headers;
import dev.scheduler.gateway.security.CallerHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every request a request id (the client's when it is plain, else a new one), passes it to
 * the services in {@link Headers#REQUEST_ID}, returns it in the response, and writes one access log
 * line per request to the logger {@code dev.scheduler.gateway.access}. Reactor Netty's own access
 * log cannot see the caller or the request id, which are what an operator searches by, hence this
 * filter; it runs before everything else so that refused requests have both too.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestLog implements WebFilter {

  private static final Logger ACCESS = LoggerFactory.getLogger("dev.scheduler.gateway.access");

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    long start = System.nanoTime();
    String id =
        Headers.requestIdOr(exchange.getRequest().getHeaders().getFirst(Headers.REQUEST_ID));
    ServerWebExchange identified =
        exchange
            .mutate()
            .request(request -> request.headers(headers -> headers.set(Headers.REQUEST_ID, id)))
            .build();
    // At commit, so that the service's echo of the id (copied in by the routing) is not doubled.
    identified
        .getResponse()
        .beforeCommit(
            () -> {
              identified.getResponse().getHeaders().set(Headers.REQUEST_ID, id);
              return Mono.empty();
            });
    return chain
        .filter(identified)
        .doFinally(signal -> log(identified, id, (System.nanoTime() - start) / 1_000_000));
  }

  private static void log(ServerWebExchange exchange, String id, long millis) {
    if (!ACCESS.isInfoEnabled()) {
      return;
    }
    HttpStatusCode status = exchange.getResponse().getStatusCode();
    String caller = exchange.getAttribute(CallerHeaders.CALLER_ATTRIBUTE);
    ACCESS.info(
        "{} {} {} {} ms caller={} requestId={} client={}",
        exchange.getRequest().getMethod(),
        exchange.getRequest().getPath().value(),
        status == null ? "-" : status.value(),
        millis,
        caller == null ? "-" : caller,
        id,
        exchange.getRequest().getRemoteAddress() == null
            ? "-"
            : exchange.getRequest().getRemoteAddress().getAddress().getHostAddress());
  }
}
