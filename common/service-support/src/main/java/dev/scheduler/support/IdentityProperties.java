package dev.scheduler.support;

import dev.scheduler.identity.IdentityVerifier;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Signed caller identities, under {@code scheduler.identity}.
 *
 * @param trustedKeys the public keys (id and PEM) of the signers this service believes: the
 *     gateway's, and those of the services that call it. With one or more, every {@code /api/**}
 *     request needs a valid {@code X-Scheduler-Identity} meant for this service (else 401), and the
 *     caller headers are ignored. None: the caller headers are believed as they come (the service's
 *     port must then be reachable from the gateway only)
 * @param keyId the id under which the services know this service's own public key
 * @param privateKey this service's own private key (PKCS #8 PEM), to sign its calls to others;
 *     none: its calls carry no identity
 */
@ConfigurationProperties("scheduler.identity")
public record IdentityProperties(
    @DefaultValue List<IdentityVerifier.TrustedKey> trustedKeys, String keyId, String privateKey) {

  /** Whether this service signs its calls to other services. */
  public boolean signs() {
    return privateKey != null && !privateKey.isBlank();
  }
}
