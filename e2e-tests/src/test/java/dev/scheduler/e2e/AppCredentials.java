package dev.scheduler.e2e;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Agent credentials of the form execution-service takes ({@code sac1.<app>.<secret>}), made here
 * for processes started with the credential's hash configured, as a deployment hands them out from
 * a secret store.
 */
final class AppCredentials {

  private static final SecureRandom RANDOM = new SecureRandom();

  private AppCredentials() {}

  /** A new credential of {@code app}. */
  static String of(String app) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return "sac1." + app + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /** What execution-service is configured with: the credential's SHA-256 in hex. */
  static String sha256(String credential) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(credential.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
