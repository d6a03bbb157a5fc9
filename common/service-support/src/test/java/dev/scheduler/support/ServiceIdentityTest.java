package dev.scheduler.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduler.identity.CallerIdentity;
import dev.scheduler.identity.IdentitySigner;
import dev.scheduler.identity.IdentityVerifier;
import dev.scheduler.testkit.TestIdentities;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.mock.http.client.MockClientHttpResponse;

/** A service's calls to another carry its own identity, signed for the service called. */
class ServiceIdentityTest {

  @Test
  void with_a_key_each_call_is_signed_for_the_service_called() throws Exception {
    ServiceIdentity monitor =
        new ServiceIdentity(
            new IdentityProperties(List.of(), "monitor-1", TestIdentities.privateKey()),
            "monitor-service",
            Clock.systemUTC());

    MockClientHttpRequest request = call(monitor, "job-service");

    IdentityVerifier jobService =
        new IdentityVerifier(
            "job-service",
            List.of(new IdentityVerifier.TrustedKey("monitor-1", TestIdentities.publicKey())),
            "test",
            Clock.systemUTC());
    assertThat(jobService.verify(request.getHeaders().getFirst(IdentitySigner.HEADER)))
        .isEqualTo(
            new CallerIdentity(
                "monitor-service", "service:monitor-service", "OPERATOR", "job-service"));
  }

  @Test
  void without_a_key_calls_carry_no_identity() throws Exception {
    assertThat(call(ServiceIdentity.none(), "job-service").getHeaders())
        .doesNotContainKey(IdentitySigner.HEADER);
  }

  private static MockClientHttpRequest call(ServiceIdentity identity, String service)
      throws Exception {
    MockClientHttpRequest request =
        new MockClientHttpRequest(HttpMethod.GET, URI.create("http://job-service/api/v1/jobs"));
    identity
        .forService(service)
        .intercept(request, new byte[0], (r, b) -> new MockClientHttpResponse(new byte[0], 200));
    return request;
  }
}
