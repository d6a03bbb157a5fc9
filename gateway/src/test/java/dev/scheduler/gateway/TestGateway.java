package dev.scheduler.gateway;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.scheduler.testkit.TestIdentities;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What the gateway's tests share: every service id found (through simple discovery) at a stub, one
 * API key per role ({@link #key}), a bearer token key ({@link #token}), and rate-limit buckets of
 * this run's own in the shared Redis.
 */
public final class TestGateway {

  /** The services the gateway routes to. */
  public static final String[] SERVICES = {"job-service", "execution-service", "monitor-service"};

  private static final String SECRET = "a-test-secret-of-at-least-32-bytes-long!";
  private static final String NEXT_SECRET = "the-next-test-secret-at-least-32-bytes!!";

  /** The issuer and audience bearer tokens must name. */
  public static final String ISSUER = "https://login.test", AUDIENCE = "scheduler-api";

  private static final String[] ROLES = {"VIEWER", "OPERATOR", "ADMIN"};

  private TestGateway() {}

  /** Registers the gateway's properties for a test context whose services are all {@code stub}. */
  public static void register(DynamicPropertyRegistry registry, StubService stub) {
    for (String service : SERVICES) {
      registry.add(
          "spring.cloud.discovery.client.simple.instances." + service + "[0].uri", stub::uri);
    }
    for (int i = 0; i < ROLES.length; i++) {
      String role = ROLES[i];
      String prefix = "scheduler.gateway.security.api-keys[" + i + "].";
      registry.add(prefix + "name", () -> role.toLowerCase(Locale.ROOT));
      registry.add(prefix + "sha256", () -> sha256(key(role)));
      registry.add(prefix + "role", () -> role);
    }
    String jwt = "scheduler.gateway.security.jwt.";
    registry.add(jwt + "issuer", () -> ISSUER);
    registry.add(jwt + "keys[0].id", () -> "old");
    registry.add(jwt + "keys[0].secret", () -> SECRET);
    registry.add(jwt + "keys[1].id", () -> "next");
    registry.add(jwt + "keys[1].secret", () -> NEXT_SECRET);
    // The gateway signs each request's identity as deployed; the services trust TestIdentities.
    registry.add("scheduler.gateway.identity.key-id", () -> TestIdentities.KEY_ID);
    registry.add("scheduler.gateway.identity.private-key", TestIdentities::privateKey);
    String run = UUID.randomUUID().toString();
    registry.add("scheduler.gateway.rate-limit.redis-key-prefix", () -> "test:" + run + ":");
  }

  /** The API key of the role's test caller ({@code key:<role in lower case>}). */
  public static String key(String role) {
    return "test-key-" + role.toLowerCase(Locale.ROOT);
  }

  /** A bearer token of subject "alice" with {@code role}, expiring at {@code expires}. */
  public static String token(String role, Instant expires) {
    return tokenLike(role, expires).sign();
  }

  /** A token like {@link #token} signed with another key. */
  public static String forged(String role) {
    return tokenLike(role, Instant.now().plusSeconds(300))
        .secret("another-secret-of-at-least-32-bytes!!")
        .sign();
  }

  /** A valid token to change before signing it. */
  public static Token tokenLike(String role, Instant expires) {
    return new Token(
        new JWTClaimsSet.Builder()
            .subject("alice")
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .claim("role", role)
            .issueTime(Date.from(Instant.now().minusSeconds(600)))
            .expirationTime(Date.from(expires)),
        null,
        SECRET);
  }

  /**
   * A bearer token to be: its claims, the {@code kid} of its header (none when null) and the key
   * that signs it.
   */
  public record Token(JWTClaimsSet.Builder claims, String kid, String secret) {

    /** The same token under other claims. */
    public Token claims(java.util.function.UnaryOperator<JWTClaimsSet.Builder> change) {
      return new Token(change.apply(claims), kid, secret);
    }

    /** The same token with {@code kid} in its header. */
    public Token kid(String kid) {
      return new Token(claims, kid, secret);
    }

    /** The same token signed with {@code secret}. */
    public Token secret(String secret) {
      return new Token(claims, kid, secret);
    }

    /** The same token signed with the gateway's second key. */
    public Token nextKey() {
      return new Token(claims, kid, NEXT_SECRET);
    }

    /** The signed token. */
    public String sign() {
      try {
        SignedJWT jwt =
            new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims.build());
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static String sha256(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
