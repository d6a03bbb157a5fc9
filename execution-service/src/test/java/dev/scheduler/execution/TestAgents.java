package dev.scheduler.execution;

import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.Heartbeat;
import dev.scheduler.contracts.Json;
import dev.scheduler.execution.credentials.AgentToken;
import java.time.Instant;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** What the tests' agents send to execution-service's agents' endpoints. */
public final class TestAgents {

  private TestAgents() {}

  /** A heartbeat of {@code node} of {@code app} at {@code at}: capacity 8, 2 running. */
  public static Heartbeat heartbeat(String node, String app, Instant at) {
    return new Heartbeat(
        Contracts.SCHEMA_VERSION,
        node,
        app,
        "10.0.0.7",
        8090,
        8,
        2,
        0,
        0.25,
        1_000_000L,
        4_000_000L,
        "test",
        at);
  }

  /** POSTs {@code body} as JSON to {@code path} with {@code token} as the agent's credential. */
  public static ResponseEntity<String> post(
      TestRestTemplate http, String path, Object body, String token) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    if (token != null) {
      headers.set(AgentToken.HEADER, token);
    }
    return http.exchange(
        path, HttpMethod.POST, new HttpEntity<>(Json.toJson(body), headers), String.class);
  }
}
