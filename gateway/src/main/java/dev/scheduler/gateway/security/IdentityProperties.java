package dev.scheduler.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The key the gateway signs callers' identities with, under {@code scheduler.gateway.identity}.
 *
 * @param keyId the id the services know the matching public key by (their {@code
 *     scheduler.identity.trusted-keys})
 * @param privateKey the EC P-256 private key, PKCS #8 PEM ({@code openssl genpkey -algorithm EC
 *     -pkeyopt ec_paramgen_curve:P-256}); none: requests carry no signed identity
 */
@ConfigurationProperties("scheduler.gateway.identity")
public record IdentityProperties(String keyId, String privateKey) {

  boolean signs() {
    return privateKey != null && !privateKey.isBlank();
  }
}
