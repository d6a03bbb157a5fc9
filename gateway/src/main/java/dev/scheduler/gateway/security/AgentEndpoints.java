package dev.scheduler.gateway.security;

import dev.scheduler.contracts.ProblemCode;
import dev.scheduler.gateway.GatewayProblems;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The agents' own endpoints ({@code /agent/**}: heartbeats, leases, leaving the registry) answer
 * 404 through the gateway, before any credential is looked at: agents reach execution-service
 * inside the cluster.
 */
@Component
// After the request id is given, before any credential is looked at.
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class AgentEndpoints implements WebFilter {

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (AccessRules.routed(exchange.getRequest().getPath().pathWithinApplication().value())) {
      return chain.filter(exchange);
    }
    return GatewayProblems.write(
        exchange, ProblemCode.NOT_FOUND, "agents' endpoints are not served by the gateway");
  }
}
