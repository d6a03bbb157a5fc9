package dev.scheduler.support;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.scheduler.contracts.Headers;
import dev.scheduler.identity.IdentitySigner;
import dev.scheduler.testkit.TestIdentities;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A service that trusts the gateway's key: its API takes signed identities only, whatever caller
 * headers come along; other paths are left to their own checks.
 */
@SpringBootTest(
    classes = CallerIdentitiesTest.App.class,
    properties = {"spring.application.name=job-service", "spring.main.banner-mode=off"})
@AutoConfigureMockMvc
class CallerIdentitiesTest {

  @DynamicPropertySource
  static void trust(DynamicPropertyRegistry registry) {
    TestIdentities.trustedBy(registry);
  }

  @Autowired MockMvc mvc;

  @Test
  void a_request_without_a_signed_identity_gets_401_whatever_caller_headers_it_forges()
      throws Exception {
    mvc.perform(get("/api/v1/whoami"))
        .andExpect(status().isUnauthorized())
        .andExpect(jsonPath("$.code").value("UNAUTHENTICATED"))
        .andExpect(
            jsonPath("$.detail")
                .value(
                    "caller identity refused: no X-Scheduler-Identity header; this API is served"
                        + " through the gateway"));
    mvc.perform(
            get("/api/v1/whoami")
                .header(Headers.CALLER, "key:admin")
                .header(Headers.CALLER_ROLE, "ADMIN"))
        .andExpect(status().isUnauthorized());
  }

  @Test
  void an_identity_signed_with_another_key_or_for_another_service_gets_401() throws Exception {
    String forged =
        new IdentitySigner(
                "gateway",
                TestIdentities.KEY_ID,
                TestIdentities.privateKey(TestIdentities.p256()),
                "forger",
                Clock.systemUTC())
            .sign("key:admin", "ADMIN", "job-service");
    mvc.perform(get("/api/v1/whoami").header(IdentitySigner.HEADER, forged))
        .andExpect(status().isUnauthorized())
        .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("signature")));
    mvc.perform(
            get("/api/v1/whoami")
                .header(
                    IdentitySigner.HEADER,
                    TestIdentities.sign("key:admin", "ADMIN", "execution-service")))
        .andExpect(status().isUnauthorized())
        .andExpect(
            jsonPath("$.detail")
                .value(org.hamcrest.Matchers.containsString("meant for another service")));
  }

  @Test
  void a_signed_identity_is_the_caller_and_caller_headers_are_ignored() throws Exception {
    mvc.perform(
            get("/api/v1/whoami")
                .header(
                    IdentitySigner.HEADER,
                    TestIdentities.sign("key:ops", "OPERATOR", "job-service"))
                .header(Headers.CALLER, "key:admin")
                .header(Headers.CALLER_ROLE, "ADMIN"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.name").value("key:ops"))
        .andExpect(jsonPath("$.role").value("OPERATOR"));
  }

  @Test
  void paths_outside_the_api_are_left_to_their_own_checks() throws Exception {
    mvc.perform(get("/agent/v1/ping")).andExpect(status().isOk());
  }

  @RestController
  static class Endpoints {

    @GetMapping("/api/v1/whoami")
    Map<String, String> whoami(HttpServletRequest request) {
      Caller caller = Caller.of(request);
      return Map.of("name", caller.name(), "role", caller.role());
    }

    @GetMapping("/agent/v1/ping")
    String ping() {
      return "pong";
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(Endpoints.class)
  static class App {}
}
