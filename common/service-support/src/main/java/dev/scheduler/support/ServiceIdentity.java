package dev.scheduler.support;

import dev.scheduler.identity.IdentitySigner;
import java.time.Clock;
import org.springframework.http.client.ClientHttpRequestInterceptor;

/**
 * This service as a caller of another: with a private key configured ({@code
 * scheduler.identity.private-key}), each call carries this service's identity ({@code
 * service:<name>}, role OPERATOR) signed for the service called; without one, calls carry none.
 */
public final class ServiceIdentity {

  /** The role a service calls another with: reads, and the operators' actions (pausing a job). */
  static final String ROLE = "OPERATOR";

  private final IdentitySigner signer;
  private final String caller;

  public ServiceIdentity(IdentityProperties properties, String name, Clock clock) {
    this.caller = "service:" + name;
    if (properties.signs()) {
      if (properties.keyId() == null || properties.keyId().isBlank()) {
        throw new IllegalStateException("scheduler.identity.key-id must name the signing key's id");
      }
      this.signer =
          new IdentitySigner(
              name,
              properties.keyId(),
              properties.privateKey(),
              "scheduler.identity.private-key",
              clock);
    } else {
      this.signer = null;
    }
  }

  /** Signs each request for {@code service} (nothing without a key). */
  public ClientHttpRequestInterceptor forService(String service) {
    return (request, body, execution) -> {
      if (signer != null) {
        request.getHeaders().set(IdentitySigner.HEADER, signer.sign(caller, ROLE, service));
      }
      return execution.execute(request, body);
    };
  }

  /** Signs nothing: for tests and tools that call without a key. */
  public static ServiceIdentity none() {
    return new ServiceIdentity(
        new IdentityProperties(java.util.List.of(), null, null), "none", Clock.systemUTC());
  }
}
