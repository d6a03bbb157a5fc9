package dev.scheduler.gateway.security;

import dev.scheduler.contracts.Headers;
import dev.scheduler.contracts.Secrets;
import dev.scheduler.identity.IdentitySigner;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Tells the services who calls: drops the credentials and any identity header the client sent and
 * sets {@link Headers#CALLER} (the API key's name as {@code key:<name>}, or the token's subject)
 * and {@link Headers#CALLER_ROLE} from the credentials the gateway checked. With a signing key
 * configured it also sends {@link IdentitySigner#HEADER}: the same caller and role, signed for the
 * one service the request is routed to and for a minute, which a service that trusts the key
 * believes instead of the plain headers.
 */
@Component
@EnableConfigurationProperties(IdentityProperties.class)
public class CallerHeaders implements GlobalFilter, Ordered {

  /** Exchange attribute with the caller's identity, for the rate limit and the access log. */
  public static final String CALLER_ATTRIBUTE = CallerHeaders.class.getName() + ".caller";

  private final IdentitySigner signer;

  public CallerHeaders(IdentityProperties identity, Environment environment) {
    if (!identity.signs() && !environment.acceptsProfiles(Profiles.of(Secrets.LOCAL_PROFILE))) {
      // The services outside the local profile take signed identities only: unsigned, every
      // request would be refused there, and a service still believing plain headers would be open.
      Secrets.fail(
          "scheduler.gateway.identity.private-key (SCHEDULER_GATEWAY_IDENTITY_PRIVATEKEY, with"
              + " SCHEDULER_GATEWAY_IDENTITY_KEYID) must hold the key the gateway signs callers'"
              + " identities with outside the '"
              + Secrets.LOCAL_PROFILE
              + "' profile");
    }
    if (identity.signs() && (identity.keyId() == null || identity.keyId().isBlank())) {
      throw new IllegalStateException(
          "scheduler.gateway.identity.key-id must name the signing key's id");
    }
    this.signer =
        identity.signs()
            ? new IdentitySigner(
                "gateway",
                identity.keyId(),
                identity.privateKey(),
                "scheduler.gateway.identity.private-key",
                Clock.systemUTC())
            : null;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    return exchange
        .getPrincipal()
        .filter(Authentication.class::isInstance)
        .map(Authentication.class::cast)
        .map(caller -> identified(exchange, caller))
        .switchIfEmpty(Mono.fromSupplier(() -> identified(exchange, null)))
        .flatMap(chain::filter);
  }

  private ServerWebExchange identified(ServerWebExchange exchange, Authentication caller) {
    String service = service(exchange);
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
                  headers.remove(IdentitySigner.HEADER);
                  if (caller != null) {
                    exchange.getAttributes().put(CALLER_ATTRIBUTE, caller.getName());
                    headers.set(Headers.CALLER, caller.getName());
                    String role = Roles.of(caller).map(Enum::name).orElse(null);
                    if (role != null) {
                      headers.set(Headers.CALLER_ROLE, role);
                    }
                    if (signer != null && service != null) {
                      headers.set(
                          IdentitySigner.HEADER, signer.sign(caller.getName(), role, service));
                    }
                  }
                })
            .build();
    return exchange.mutate().request(request).build();
  }

  /** The service the request is routed to: the host of the route's {@code lb://} address. */
  private static String service(ServerWebExchange exchange) {
    Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
    return route == null ? null : route.getUri().getHost();
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
