package dev.scheduler.execution.credentials;

import dev.scheduler.contracts.ConsumerGroups;
import dev.scheduler.contracts.EventSignatures;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The form of an app's agent credential: {@code sac1.<app>.<secret>}, the secret 32 random bytes in
 * URL-safe Base64. The app is readable so that a configured credential needs nothing stored but its
 * hash; it cannot be changed, as the hash covers it. Only the SHA-256 of a credential is kept: the
 * secret has 256 bits of chance, so a plain hash is as strong as a slow one and a lookup by it is
 * cheap enough for every heartbeat.
 */
public final class CredentialTokens {

  static final String PREFIX = "sac1";
  private static final int SECRET_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private CredentialTokens() {}

  /** A new credential of {@code app}. */
  public static String issue(String app) {
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    return PREFIX
        + "."
        + app
        + "."
        + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /** The app a credential names, if it has the credential's form. */
  public static Optional<String> appOf(String token) {
    if (token == null || token.length() > 200) {
      return Optional.empty();
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3
        || !PREFIX.equals(parts[0])
        || !ConsumerGroups.APP_NAME.matcher(parts[1]).matches()
        || parts[2].length() < 43) {
      return Optional.empty();
    }
    return Optional.of(parts[1]);
  }

  /**
   * The lower-case hex SHA-256 of {@code token}, as stored and configured: the hex form of its
   * event signing key, so the two can never differ.
   */
  public static String sha256(String token) {
    return HexFormat.of().formatHex(EventSignatures.keyOf(token));
  }
}
