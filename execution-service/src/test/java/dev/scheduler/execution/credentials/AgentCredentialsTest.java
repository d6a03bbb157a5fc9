package dev.scheduler.execution.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Headers;
import dev.scheduler.contracts.HeldLease;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.LeaseClaims;
import dev.scheduler.contracts.LeaseGrants;
import dev.scheduler.contracts.LeaseRenewal;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.execution.TestAgents;
import dev.scheduler.execution.TestMessages;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.FireTraffic;
import dev.scheduler.testkit.RealServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Each app's agent credential, as an agent of app A holding only A's credential meets it: issued by
 * admins alone and shown once, it serves A's nodes and executions and nothing of app B's; every
 * refusal changes nothing and is counted and kept. The same holds for what an agent publishes on
 * the broker: an execution event counts only when signed with a credential of the execution's app.
 * No shared agent token is set.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "scheduler.execution.nodes.agent-token=",
      "scheduler.execution.nodes.scan-interval=1h",
      "scheduler.execution.agent-credentials.hashes=configured-app:"
          + AgentCredentialsTest.CONFIGURED_HASH
    })
@RealServers(redis = false)
@DirtiesContext
class AgentCredentialsTest {

  static final String CONFIGURED =
      "sac1.configured-app.0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";
  static final String CONFIGURED_HASH =
      "0ebc784555d3724699fd7cebc80bd706de74cb27db406a4949c863159cac1ed0";

  private static final String OLD_SHARED = "a-test-agent-token-of-at-least-32-characters";

  @Autowired TestRestTemplate http;
  @Autowired JdbcTemplate jdbc;
  @Autowired MeterRegistry meters;

  private static FireTraffic traffic;

  @BeforeAll
  static void connect() {
    traffic = FireTraffic.connect(EmbeddedRocketMq.shared().nameServerAddress());
  }

  @AfterAll
  static void disconnect() {
    traffic.close();
  }

  private String appA;
  private String appB;
  private String credentialA;
  private String credentialB;

  @BeforeEach
  void twoApps() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    appA = "cred-a-" + run;
    appB = "cred-b-" + run;
    credentialA = issue(appA).path("credential").asText();
    credentialB = issue(appB).path("credential").asText();
  }

  @Test
  void the_configured_hash_in_this_test_is_the_hash_of_its_credential() {
    // kept as a literal above (annotations need constants); this keeps the two together
    assertThat(CredentialTokens.sha256(CONFIGURED)).isEqualTo(CONFIGURED_HASH);
  }

  @Test
  void only_admins_issue_list_and_revoke_and_the_credential_is_shown_once() {
    for (String role : new String[] {null, "VIEWER", "OPERATOR"}) {
      ResponseEntity<String> refused =
          send(HttpMethod.POST, "/api/v1/agent-credentials", "{\"app\": \"x\"}", role);
      assertThat(refused.getStatusCode()).as("role %s", role).isEqualTo(HttpStatus.FORBIDDEN);
      assertThat(send(HttpMethod.GET, "/api/v1/agent-credentials", null, role).getStatusCode())
          .isEqualTo(HttpStatus.FORBIDDEN);
    }
    JsonNode issued = issue(appA);
    String credential = issued.path("credential").asText();
    assertThat(credential).startsWith("sac1." + appA + ".").hasSizeGreaterThan(50);
    assertThat(issued.path("view").path("createdBy").asText()).isEqualTo("test-admin");

    ResponseEntity<String> listed =
        send(HttpMethod.GET, "/api/v1/agent-credentials?app=" + appA, null, "ADMIN");
    assertThat(listed.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(Json.fromJson(listed.getBody(), JsonNode.class)).hasSize(2);
    assertThat(listed.getBody())
        .doesNotContain(credential)
        .doesNotContain(CredentialTokens.sha256(credential))
        .doesNotContain(credential.substring(credential.lastIndexOf('.') + 1));
    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM scheduler_agent_credential WHERE credential_sha256 = ?",
                Integer.class,
                CredentialTokens.sha256(credential)))
        .isEqualTo(1);
  }

  @Test
  void bad_requests_get_a_problem_naming_the_field_and_store_nothing() {
    Integer before =
        jdbc.queryForObject("SELECT COUNT(*) FROM scheduler_agent_credential", Integer.class);
    ResponseEntity<String> badApp =
        send(HttpMethod.POST, "/api/v1/agent-credentials", "{\"app\": \"no spaces\"}", "ADMIN");
    ResponseEntity<String> unknownField =
        send(
            HttpMethod.POST,
            "/api/v1/agent-credentials",
            "{\"app\": \"" + appA + "\", \"secret\": \"mine\"}",
            "ADMIN");
    assertThat(badApp.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(badApp.getBody()).contains("\"field\":\"app\"");
    assertThat(unknownField.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(unknownField.getBody()).contains("secret");
    assertThat(
            jdbc.queryForObject("SELECT COUNT(*) FROM scheduler_agent_credential", Integer.class))
        .isEqualTo(before);
  }

  @Test
  void an_agent_of_a_registers_as_a_but_not_as_b_and_cannot_take_over_or_remove_bs_node() {
    String nodeA = "node-a-" + appA;
    String nodeB = "node-b-" + appB;
    assertThat(beat(nodeA, appA, credentialA).getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
    assertThat(beat(nodeB, appB, credentialB).getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);

    ResponseEntity<String> asB = beat("node-x-" + appB, appB, credentialA);
    ResponseEntity<String> takeOver = beat(nodeB, appA, credentialA);
    ResponseEntity<String> removeB = leave(nodeB, credentialA);

    assertThat(asB.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
    assertThat(asB.getBody()).contains("urn:scheduler:problem:forbidden");
    assertThat(takeOver.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
    assertThat(removeB.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
    assertThat(nodeRow(nodeB)).containsEntry("app", appB).containsEntry("state", "ONLINE");
    assertThat(nodeCount("node-x-" + appB)).isZero();
    assertThat(leave(nodeA, credentialA).getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
  }

  @Test
  void an_agent_of_a_can_neither_claim_nor_renew_nor_give_up_bs_leases() {
    String nodeB = "node-b-" + appB;
    beat(nodeB, appB, credentialB);
    FireEvent fire = fireOf(appB);
    assertThat(claim(nodeB, appB, fire, credentialB).verdict())
        .isEqualTo(LeaseGrants.Verdict.GRANTED);
    HeldLease held = new HeldLease(fire.executionId(), 1);

    // as B's node, or as a node of A's own naming B's execution
    ResponseEntity<String> claimAsB =
        post("/agent/v1/leases", claims("node-b-" + appB, appA, fire), credentialA);
    ResponseEntity<String> releaseAsB =
        post(
            "/agent/v1/leases/renewals",
            new LeaseRenewal(nodeB, appA, List.of(), List.of(held)),
            credentialA);
    ResponseEntity<String> releaseFromA =
        post(
            "/agent/v1/leases/renewals",
            new LeaseRenewal("node-a-" + appA, appA, List.of(), List.of(held)),
            credentialA);
    ResponseEntity<String> claimOwnNode =
        post("/agent/v1/leases", claims("node-a-" + appA, appA, fire), credentialA);

    assertThat(claimAsB.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
    assertThat(releaseAsB.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
    assertThat(releaseFromA.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
    assertThat(claimOwnNode.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(Json.fromJson(claimOwnNode.getBody(), LeaseGrants.class).grants().get(0).verdict())
        .isEqualTo(LeaseGrants.Verdict.DONE);
    Map<String, Object> lease =
        jdbc.queryForMap(
            "SELECT lease_node, lease_until FROM scheduler_job_execution WHERE execution_id = ?",
            fire.executionId());
    assertThat(lease.get("lease_node")).isEqualTo(nodeB);
    assertThat(lease.get("lease_until")).isNotNull();
  }

  @Test
  void a_revoked_unknown_or_forged_credential_is_refused_and_refusals_are_counted_and_kept() {
    double before = refusals("heartbeat", "UNAUTHENTICATED");
    JsonNode issued = issue(appA);
    String revoked = issued.path("credential").asText();
    assertThat(beat("node-r-" + appA, appA, revoked).getStatusCode())
        .isEqualTo(HttpStatus.NO_CONTENT);
    long id = issued.path("view").path("id").asLong();
    assertThat(
            send(HttpMethod.DELETE, "/api/v1/agent-credentials/" + id, null, "ADMIN")
                .getStatusCode())
        .isEqualTo(HttpStatus.NO_CONTENT);

    String forged = "sac1." + appA + "." + "A".repeat(43);
    String renamed = credentialB.replace("sac1." + appB + ".", "sac1." + appA + ".");
    for (String token : new String[] {revoked, forged, renamed, OLD_SHARED, null}) {
      ResponseEntity<String> answer = beat("node-f-" + appA, appA, token);
      assertThat(answer.getStatusCode()).as("token %s", token).isEqualTo(HttpStatus.UNAUTHORIZED);
    }
    assertThat(nodeCount("node-f-" + appA)).isZero();
    assertThat(refusals("heartbeat", "UNAUTHENTICATED")).isEqualTo(before + 5);

    beat("node-x-" + appB, appB, credentialA);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              ResponseEntity<String> kept =
                  send(
                      HttpMethod.GET,
                      "/api/v1/agent-credentials/refusals?app=" + appB,
                      null,
                      "ADMIN");
              assertThat(kept.getStatusCode()).isEqualTo(HttpStatus.OK);
              JsonNode rows = Json.fromJson(kept.getBody(), JsonNode.class);
              assertThat(rows).hasSize(1);
              assertThat(rows.get(0).path("reason").asText()).isEqualTo("OTHER_APP");
              assertThat(rows.get(0).path("action").asText()).isEqualTo("heartbeat");
              assertThat(rows.get(0).path("refusals").asLong()).isEqualTo(1);
            });
  }

  @Test
  void a_configured_credential_serves_its_own_app_only() {
    String node = "node-c-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(beat(node, "configured-app", CONFIGURED).getStatusCode())
        .isEqualTo(HttpStatus.NO_CONTENT);
    assertThat(beat(node + "-b", appB, CONFIGURED).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
  }

  @Test
  void an_agent_of_a_cannot_report_on_bs_execution_through_the_broker() {
    String nodeB = "node-b-" + appB;
    String nodeA = "node-a-" + appA;
    beat(nodeB, appB, credentialB);
    beat(nodeA, appA, credentialA);
    FireEvent fireB = fireOf(appB);
    FireEvent fireA = fireOf(appA);
    assertThat(claim(nodeB, appB, fireB, credentialB).verdict())
        .isEqualTo(LeaseGrants.Verdict.GRANTED);
    assertThat(claim(nodeA, appA, fireA, credentialA).verdict())
        .isEqualTo(LeaseGrants.Verdict.GRANTED);
    double otherApp = refusals("report", "OTHER_APP");
    double unsigned = refusals("report", "UNAUTHENTICATED");
    double dropped = meters.counter("scheduler.execution.malformed").count();

    ExecutionEvent forged =
        TestMessages.event(fireB, ExecutionEventType.SUCCEEDED, 1, Instant.now(), nodeB);
    traffic.report(forged, credentialA); // A's credential, B's execution
    traffic.report(forged, null); // unsigned
    traffic.report(forged, "sac1." + appB + "." + "f".repeat(43)); // a credential B never had
    // keyed and signed for A's own execution, the body about B's
    Message smuggled = FireTraffic.signed(forged, credentialA);
    smuggled.setKeys(fireA.executionId());
    traffic.send(FireTraffic.signed(forged, credentialA));
    traffic.send(smuggled);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(refusals("report", "OTHER_APP")).isEqualTo(otherApp + 2);
              assertThat(refusals("report", "UNAUTHENTICATED")).isEqualTo(unsigned + 2);
              assertThat(meters.counter("scheduler.execution.malformed").count())
                  .isEqualTo(dropped + 1);
            });
    // B's own agent is heard, once all of the above was refused
    traffic.report(
        TestMessages.event(fireB, ExecutionEventType.STARTED, 1, Instant.now(), nodeB),
        credentialB);
    await().atMost(Duration.ofSeconds(20)).until(() -> "RUNNING".equals(status(fireB)));
    assertThat(status(fireA)).isEqualTo("WAITING");
  }

  private String status(FireEvent fire) {
    return jdbc.queryForObject(
        "SELECT status FROM scheduler_job_execution WHERE execution_id = ?",
        String.class,
        fire.executionId());
  }

  private double refusals(String action, String reason) {
    var counter =
        meters
            .find("scheduler.agent.refusals")
            .tag("action", action)
            .tag("reason", reason)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private FireEvent fireOf(String app) {
    long jobId = ThreadLocalRandom.current().nextLong(1, 1_000_000_000L);
    return TestMessages.fire(jobId, app, Instant.now(), RetryPolicy.NONE);
  }

  private static LeaseClaims claims(String node, String app, FireEvent fire) {
    return new LeaseClaims(node, app, List.of(LeaseClaims.Claim.of(fire)));
  }

  private LeaseGrants.Grant claim(String node, String app, FireEvent fire, String token) {
    ResponseEntity<String> answer = post("/agent/v1/leases", claims(node, app, fire), token);
    assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
    return Json.fromJson(answer.getBody(), LeaseGrants.class).grants().get(0);
  }

  private JsonNode issue(String app) {
    ResponseEntity<String> answer =
        send(
            HttpMethod.POST,
            "/api/v1/agent-credentials",
            "{\"app\": \"" + app + "\", \"label\": \"test\"}",
            "ADMIN");
    assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    return Json.fromJson(answer.getBody(), JsonNode.class);
  }

  private ResponseEntity<String> send(HttpMethod method, String path, String body, String role) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    headers.set(Headers.CALLER, "test-admin");
    if (role != null) {
      headers.set(Headers.CALLER_ROLE, role);
    }
    return http.exchange(path, method, new HttpEntity<>(body, headers), String.class);
  }

  private ResponseEntity<String> beat(String node, String app, String token) {
    return post("/agent/v1/heartbeats", TestAgents.heartbeat(node, app, Instant.now()), token);
  }

  private ResponseEntity<String> leave(String node, String token) {
    HttpHeaders headers = new HttpHeaders();
    headers.set(AgentToken.HEADER, token);
    return http.exchange(
        "/agent/v1/nodes/" + node, HttpMethod.DELETE, new HttpEntity<>(headers), String.class);
  }

  private ResponseEntity<String> post(String path, Object body, String token) {
    return TestAgents.post(http, path, body, token);
  }

  private Map<String, Object> nodeRow(String node) {
    return jdbc.queryForMap(
        "SELECT app, state FROM scheduler_node_registry WHERE node_id = ?", node);
  }

  private int nodeCount(String node) {
    return jdbc.queryForObject(
        "SELECT COUNT(*) FROM scheduler_node_registry WHERE node_id = ?", Integer.class, node);
  }
}
