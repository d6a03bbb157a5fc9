package dev.scheduler.gateway;

import dev.scheduler.contracts.Headers;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.ProblemCode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Writes the platform's RFC 9457 problem responses from the gateway's reactive filters. */
public final class GatewayProblems {

  private GatewayProblems() {}

  /** Ends the exchange with a problem of {@code code} about the requested path. */
  public static Mono<Void> write(ServerWebExchange exchange, ProblemCode code, String detail) {
    return write(exchange, code, detail, exchange.getRequest().getPath().value());
  }

  /** Ends the exchange with a problem of {@code code} about {@code instance}. */
  public static Mono<Void> write(
      ServerWebExchange exchange, ProblemCode code, String detail, String instance) {
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.empty();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", code.type().toString());
    body.put("title", code.title());
    body.put("status", code.status());
    body.put("detail", detail);
    body.put("instance", instance);
    body.put(ProblemCode.CODE_PROPERTY, code.name());
    String requestId = exchange.getRequest().getHeaders().getFirst(Headers.REQUEST_ID);
    if (requestId != null) {
      body.put(ProblemCode.REQUEST_ID_PROPERTY, requestId);
    }
    response.setStatusCode(HttpStatus.valueOf(code.status()));
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    DataBuffer buffer =
        response.bufferFactory().wrap(Json.toJson(body).getBytes(StandardCharsets.UTF_8));
    return response.writeWith(Mono.just(buffer));
  }
}
