package dev.scheduler.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scheduler.contracts.Headers;
import dev.scheduler.contracts.Json;
import dev.scheduler.identity.IdentitySigner;
import dev.scheduler.testkit.RealServers;
import dev.scheduler.testkit.TestIdentities;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * job-service trusting the gateway's key, as someone who reaches its port directly would meet it:
 * forged caller headers get 401 and change nothing; a signed identity is the job's audited actor.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@RealServers
class JobsApiIdentityTest {

  @DynamicPropertySource
  static void trustTheGateway(DynamicPropertyRegistry registry) {
    TestIdentities.trustedBy(registry);
  }

  @Autowired TestRestTemplate http;

  private final String app = "id-" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void forged_caller_headers_get_401_and_create_nothing() {
    HttpHeaders forged = json();
    forged.set(Headers.CALLER, "key:admin");
    forged.set(Headers.CALLER_ROLE, "ADMIN");

    ResponseEntity<JsonNode> refused = post(forged);

    assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(refused.getBody().get("code").asText()).isEqualTo("UNAUTHENTICATED");
    HttpHeaders viewer = json();
    viewer.set(IdentitySigner.HEADER, TestIdentities.sign("key:viewer", "VIEWER", "job-service"));
    JsonNode jobs =
        http.exchange(
                "/api/v1/jobs?app=" + app, HttpMethod.GET, new HttpEntity<>(viewer), JsonNode.class)
            .getBody();
    assertThat(jobs.get("items")).isEmpty();
  }

  @Test
  void a_signed_identity_is_the_audited_actor() {
    HttpHeaders signed = json();
    signed.set(IdentitySigner.HEADER, TestIdentities.sign("key:ops", "ADMIN", "job-service"));
    signed.set(Headers.CALLER, "someone-else");

    ResponseEntity<JsonNode> created = post(signed);

    assertThat(created.getStatusCode()).as("%s", created.getBody()).isEqualTo(HttpStatus.CREATED);
    long id = created.getBody().get("id").asLong();
    JsonNode history =
        http.exchange(
                "/api/v1/jobs/" + id + "/history",
                HttpMethod.GET,
                new HttpEntity<>(signed),
                JsonNode.class)
            .getBody();
    assertThat(history.get("items").get(0).get("actor").asText()).isEqualTo("key:ops");
  }

  private ResponseEntity<JsonNode> post(HttpHeaders headers) {
    Map<String, Object> job =
        Map.of(
            "app",
            app,
            "name",
            "identity-" + UUID.randomUUID().toString().substring(0, 6),
            "jobType",
            "BEAN",
            "handler",
            "h",
            "schedule",
            Map.of("type", "CRON", "cron", "0 0 3 * * ?"));
    return http.exchange(
        "/api/v1/jobs",
        HttpMethod.POST,
        new HttpEntity<>(Json.toJson(job), headers),
        JsonNode.class);
  }

  private static HttpHeaders json() {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return headers;
  }
}
