package dev.scheduler.gateway.security;

import static dev.scheduler.gateway.TestGateway.forged;
import static dev.scheduler.gateway.TestGateway.key;
import static dev.scheduler.gateway.TestGateway.token;
import static dev.scheduler.gateway.TestGateway.tokenLike;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scheduler.contracts.Headers;
import dev.scheduler.gateway.GatewayTest;
import dev.scheduler.gateway.StubService;
import dev.scheduler.identity.CallerIdentity;
import dev.scheduler.identity.IdentitySigner;
import dev.scheduler.identity.IdentityVerifier;
import dev.scheduler.testkit.TestIdentities;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The gateway in front of a stub service found through discovery: who gets in (API keys of each
 * role, bearer tokens, nothing, a bad key, an expired token), what each role may do, what the
 * service learns about the caller, and the agents' endpoints kept inside.
 */
class GatewaySecurityTest extends GatewayTest {

  @Test
  void without_credentials_or_with_a_bad_key_the_api_answers_401_problems() {
    expectUnauthenticated(null, null);
    expectUnauthenticated(Headers.API_KEY, "not-a-key");
    expectUnauthenticated(
        "Authorization", "Bearer " + token("OPERATOR", Instant.now().minusSeconds(60)));
    expectUnauthenticated("Authorization", "Bearer " + forged("ADMIN"));
  }

  @Test
  void
      a_bearer_token_needs_an_expiry_the_issuer_the_audience_a_subject_of_its_own_and_a_known_key() {
    Instant later = Instant.now().plusSeconds(300);
    String[] refused = {
      tokenLike("ADMIN", later).claims(c -> c.expirationTime(null)).sign(),
      tokenLike("ADMIN", later).claims(c -> c.issuer(null)).sign(),
      tokenLike("ADMIN", later).claims(c -> c.issuer("https://login.elsewhere")).sign(),
      tokenLike("ADMIN", later).claims(c -> c.audience((String) null)).sign(),
      tokenLike("ADMIN", later).claims(c -> c.audience("another-api")).sign(),
      tokenLike("ADMIN", later).claims(c -> c.subject(null)).sign(),
      tokenLike("ADMIN", later).claims(c -> c.subject("key:admin")).sign(),
      tokenLike("ADMIN", later).claims(c -> c.subject("KEY:admin")).sign(),
      tokenLike("ADMIN", later).claims(c -> c.subject("service:job-service")).sign(),
      tokenLike("ADMIN", later).kid("unknown").sign(),
      tokenLike("ADMIN", later).kid("old").nextKey().sign(),
      tokenLike("ADMIN", later).claims(c -> c.notBeforeTime(java.util.Date.from(later))).sign()
    };
    for (String token : refused) {
      expectUnauthenticated("Authorization", "Bearer " + token);
    }

    // Either key signs (the one the kid names, or any without a kid), and an expiry passed
    // within the clock skew (30 s) still counts.
    String[] accepted = {
      tokenLike("VIEWER", later).kid("next").nextKey().sign(),
      tokenLike("VIEWER", later).nextKey().sign(),
      tokenLike("VIEWER", later).kid("old").sign(),
      tokenLike("VIEWER", Instant.now().minusSeconds(10)).sign()
    };
    for (String token : accepted) {
      http.get()
          .uri("/api/v1/jobs")
          .header("Authorization", "Bearer " + token)
          .exchange()
          .expectStatus()
          .isOk();
    }
  }

  private void expectUnauthenticated(String header, String value) {
    WebTestClient.RequestHeadersSpec<?> request = http.get().uri("/api/v1/jobs");
    if (header != null) {
      request = request.header(header, value);
    }
    request
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void each_role_may_do_what_it_covers_and_gets_403_problems_beyond() {
    // read, operator action, admin change
    expect("VIEWER", HttpMethod.GET, "/api/v1/jobs", 200);
    expect("VIEWER", HttpMethod.GET, "/api/v1/executions/1-2-0", 200);
    expect("VIEWER", HttpMethod.POST, "/api/v1/jobs/preview", 200);
    expect("VIEWER", HttpMethod.POST, "/api/v1/jobs/7/trigger", 403);
    expect("VIEWER", HttpMethod.POST, "/api/v1/jobs", 403);

    expect("OPERATOR", HttpMethod.GET, "/api/v1/nodes", 200);
    expect("OPERATOR", HttpMethod.POST, "/api/v1/jobs/7/trigger", 200);
    expect("OPERATOR", HttpMethod.POST, "/api/v1/jobs/7/pause", 200);
    expect("OPERATOR", HttpMethod.POST, "/api/v1/executions/1-2-0/retry", 200);
    expect("OPERATOR", HttpMethod.POST, "/api/v1/executions/1-2-0/cancel", 200);
    expect("OPERATOR", HttpMethod.POST, "/api/v1/alerts/3/acknowledge", 200);
    expect("OPERATOR", HttpMethod.POST, "/api/v1/alerts/3/resolve", 200);
    expect("VIEWER", HttpMethod.POST, "/api/v1/alerts/3/resolve", 403);
    expect("OPERATOR", HttpMethod.POST, "/api/v1/alert-rules", 403);
    expect("OPERATOR", HttpMethod.POST, "/api/v1/jobs", 403);
    expect("OPERATOR", HttpMethod.DELETE, "/api/v1/jobs/7", 403);

    expect("ADMIN", HttpMethod.POST, "/api/v1/jobs", 200);
    expect("ADMIN", HttpMethod.POST, "/api/v1/alert-rules", 200);
    expect("ADMIN", HttpMethod.PUT, "/api/v1/notification-channels/2", 200);
    expect("ADMIN", HttpMethod.PUT, "/api/v1/jobs/7", 200);
    expect("ADMIN", HttpMethod.DELETE, "/api/v1/jobs/7", 200);
    expect("ADMIN", HttpMethod.POST, "/api/v1/jobs/7/trigger", 200);

    // agent credentials: even their list is the admins' alone
    expect("VIEWER", HttpMethod.GET, "/api/v1/agent-credentials", 403);
    expect("OPERATOR", HttpMethod.GET, "/api/v1/agent-credentials/refusals", 403);
    expect("OPERATOR", HttpMethod.POST, "/api/v1/agent-credentials", 403);
    expect("ADMIN", HttpMethod.GET, "/api/v1/agent-credentials", 200);
    expect("ADMIN", HttpMethod.POST, "/api/v1/agent-credentials", 200);

    http.post()
        .uri("/api/v1/jobs")
        .header(Headers.API_KEY, key("VIEWER"))
        .exchange()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("FORBIDDEN")
        .jsonPath("$.status")
        .isEqualTo(403);
  }

  @Test
  void a_bearer_token_carries_its_subject_and_role() {
    http.post()
        .uri("/api/v1/jobs/7/trigger")
        .header("Authorization", "Bearer " + token("OPERATOR", Instant.now().plusSeconds(300)))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.caller")
        .isEqualTo("alice")
        .jsonPath("$.role")
        .isEqualTo("OPERATOR");
    http.delete()
        .uri("/api/v1/jobs/7")
        .header("Authorization", "Bearer " + token("OPERATOR", Instant.now().plusSeconds(300)))
        .exchange()
        .expectStatus()
        .isForbidden();
  }

  @Test
  void a_spoofed_identity_header_never_reaches_the_service() {
    http.get()
        .uri("/api/v1/jobs/42")
        .header(Headers.API_KEY, key("VIEWER"))
        .header(Headers.CALLER, "someone-else")
        .header(Headers.CALLER_ROLE, "ADMIN")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.caller")
        .isEqualTo("key:viewer")
        .jsonPath("$.role")
        .isEqualTo("VIEWER")
        .jsonPath("$.path")
        .isEqualTo("/api/v1/jobs/42")
        .jsonPath("$.credentials")
        .isEqualTo(false);
  }

  @Test
  void each_service_gets_the_caller_signed_for_itself_and_a_client_cannot_send_its_own() {
    http.get()
        .uri("/api/v1/jobs/42")
        .header(Headers.API_KEY, key("VIEWER"))
        .header(IdentitySigner.HEADER, TestIdentities.sign("key:admin", "ADMIN", "job-service"))
        .exchange()
        .expectStatus()
        .isOk();
    http.get()
        .uri("/api/v1/executions")
        .header(Headers.API_KEY, key("OPERATOR"))
        .exchange()
        .expectStatus()
        .isOk();

    List<StubService.Seen> seen = SERVICE.seen();
    IdentityVerifier jobService = verifier("job-service");
    assertThat(jobService.verify(seen.get(0).identity()))
        .isEqualTo(new CallerIdentity("gateway", "key:viewer", "VIEWER", "job-service"));
    assertThat(verifier("execution-service").verify(seen.get(1).identity()))
        .isEqualTo(new CallerIdentity("gateway", "key:operator", "OPERATOR", "execution-service"));
    // the identity for one service is refused by another
    assertThatThrownBy(() -> jobService.verify(seen.get(1).identity()))
        .hasMessageContaining("meant for another service");
  }

  private static IdentityVerifier verifier(String service) {
    return new IdentityVerifier(
        service,
        List.of(new IdentityVerifier.TrustedKey(TestIdentities.KEY_ID, TestIdentities.publicKey())),
        "test",
        Clock.systemUTC());
  }

  @Test
  void the_agents_endpoints_are_not_served_and_never_reach_the_service() {
    int before = SERVICE.seen().size();
    http.post()
        .uri("/agent/v1/heartbeats")
        .header(Headers.API_KEY, key("ADMIN"))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{}")
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("NOT_FOUND");
    http.post()
        .uri("/agent/v1/leases")
        .header(Headers.API_KEY, key("ADMIN"))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{}")
        .exchange()
        .expectStatus()
        .isNotFound();
    http.delete()
        .uri("/agent/v1/nodes/node-1")
        .header(Headers.API_KEY, key("ADMIN"))
        .exchange()
        .expectStatus()
        .isNotFound();
    http.get().uri("/actuator/env").exchange().expectStatus().isUnauthorized();
    assertThat(SERVICE.seen()).hasSize(before);
  }

  // ---- helpers
  private void expect(String role, HttpMethod method, String path, int status) {
    http.method(method)
        .uri(path)
        .header(Headers.API_KEY, key(role))
        .exchange()
        .expectStatus()
        .isEqualTo(status);
  }
}
