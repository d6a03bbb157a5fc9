package dev.scheduler.gateway.security;

import dev.scheduler.contracts.Headers;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Tells the services who calls: drops the credentials and any identity header the client sent and
 * sets {@link Headers#CALLER} (the API key's name as {@code key:<name>}, or the token's subject)
 * and {@link Headers#CALLER_ROLE} from the credentials the gateway checked.
 */
@Component
public class CallerHeaders implements GlobalFilter, Ordered {

  /** Exchange attribute with the caller's identity, for the rate limit and the access log. */
  public static final String CALLER_ATTRIBUTE = CallerHeaders.class.getName() + ".caller";

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    return exchange
        .getPrincipal()
        .filter(Authentication.class::isInstance)
        .map(Authentication.class::cast)
        .map(caller -> identified(exchange, caller))
        .defaultIfEmpty(identified(exchange, null))
        .flatMap(chain::filter);
  }

  private static ServerWebExchange identified(ServerWebExchange exchange, Authentication caller) {
    ServerHttpRequest request =
        exchange
            .getRequest()
            .mutate()
            .headers(
                headers -> {
                  // The services trust the caller headers; they never see the credentials.
                  headers.remove(Headers.API_KEY);
                  headers.remove(HttpHeaders.AUTHORIZATION);
                  headers.remove(Headers.CALLER);
                  headers.remove(Headers.CALLER_ROLE);
                  if (caller != null) {
                    exchange.getAttributes().put(CALLER_ATTRIBUTE, caller.getName());
                    headers.set(Headers.CALLER, caller.getName());
                    Roles.of(caller).ifPresent(r -> headers.set(Headers.CALLER_ROLE, r.name()));
                  }
                })
            .build();
    return exchange.mutate().request(request).build();
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
