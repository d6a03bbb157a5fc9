package dev.scheduler.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a signed caller identity in a service: ES256 only, signed with one of the trusted keys (by
 * {@code kid}), meant for this service, issued no later than now and not expired (both within
 * {@link #CLOCK_SKEW}), and valid for no longer than {@link IdentitySigner#LIFETIME}.
 */
public final class IdentityVerifier {

  /** How far the clocks of signer and service may differ. */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  /** A trusted public key: its id and the key in PEM. */
  public record TrustedKey(String id, String publicKey) {}

  private final String audience;
  private final Map<String, ECDSAVerifier> verifiers = new HashMap<>();
  private final Clock clock;

  /**
   * Identities checked lately, by token, until they expire: the gateway sends the same token for a
   * while (see {@link IdentitySigner}), and checking a signature costs close to a millisecond.
   */
  private final Map<String, Checked> recent = new ConcurrentHashMap<>();

  private record Checked(CallerIdentity identity, Instant expires) {}

  /**
   * @param audience this service's name; identities for other services are refused
   * @param trusted the public keys of the signers this service trusts
   * @param setting the setting the keys come from, named when one is unusable
   */
  public IdentityVerifier(String audience, List<TrustedKey> trusted, String setting, Clock clock) {
    this.audience = audience;
    this.clock = clock;
    for (TrustedKey key : trusted) {
      try {
        if (verifiers.put(key.id(), new ECDSAVerifier(Pem.publicKey(key.publicKey(), setting)))
            != null) {
          throw new IllegalArgumentException(
              setting + ": the key id " + key.id() + " is used twice");
        }
      } catch (JOSEException e) {
        throw new IllegalArgumentException(setting + ": the key " + key.id() + " is not P-256", e);
      }
    }
    if (verifiers.isEmpty()) {
      throw new IllegalArgumentException(setting + " names no trusted key");
    }
  }

  /**
   * The identity {@code token} vouches for.
   *
   * @throws InvalidIdentityException saying why it is not accepted
   */
  public CallerIdentity verify(String token) {
    if (token == null || token.isBlank()) {
      throw new InvalidIdentityException("no " + IdentitySigner.HEADER + " header");
    }
    Checked known = recent.get(token);
    if (known != null) {
      if (known.expires().plus(CLOCK_SKEW).isBefore(clock.instant())) {
        recent.remove(token);
        throw new InvalidIdentityException("expired");
      }
      return known.identity();
    }
    Checked checked = check(token);
    if (recent.size() >= IdentitySigner.REMEMBERED) {
      recent.clear();
    }
    recent.put(token, checked);
    return checked.identity();
  }

  /** The identity {@code token} vouches for, with its expiry, from one parse of the token. */
  private Checked check(String token) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
        throw new InvalidIdentityException("not signed ES256");
      }
      ECDSAVerifier verifier = verifiers.get(jwt.getHeader().getKeyID());
      if (verifier == null) {
        throw new InvalidIdentityException("signed with an unknown key");
      }
      if (!jwt.verify(verifier)) {
        throw new InvalidIdentityException("its signature does not match");
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      if (claims.getAudience() == null || !claims.getAudience().contains(audience)) {
        throw new InvalidIdentityException("meant for another service");
      }
      Instant now = clock.instant();
      Date issued = claims.getIssueTime();
      Date expires = claims.getExpirationTime();
      if (issued == null || expires == null) {
        throw new InvalidIdentityException("without issue or expiry time");
      }
      if (issued.toInstant().isAfter(now.plus(CLOCK_SKEW))) {
        throw new InvalidIdentityException("issued in the future");
      }
      if (expires.toInstant().plus(CLOCK_SKEW).isBefore(now)) {
        throw new InvalidIdentityException("expired");
      }
      if (Duration.between(issued.toInstant(), expires.toInstant())
              .compareTo(IdentitySigner.LIFETIME)
          > 0) {
        throw new InvalidIdentityException("valid for longer than " + IdentitySigner.LIFETIME);
      }
      String caller = claims.getSubject();
      String role = claims.getStringClaim("role");
      if (caller == null || caller.isBlank()) {
        throw new InvalidIdentityException("names no caller");
      }
      return new Checked(
          new CallerIdentity(claims.getIssuer(), caller, role, audience), expires.toInstant());
    } catch (ParseException e) {
      throw new InvalidIdentityException("not a signed token");
    } catch (JOSEException e) {
      throw new InvalidIdentityException("its signature could not be checked");
    }
  }

  /** A signed identity that is not accepted, and why. */
  public static final class InvalidIdentityException extends RuntimeException {
    InvalidIdentityException(String why) {
      super("caller identity refused: " + why);
    }
  }
}
