package dev.scheduler.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdentityTokensTest {

  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final KeyPair GATEWAY = p256();
  private static final KeyPair OTHER = p256();

  private final IdentitySigner signer = signer(GATEWAY, Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void a_signed_identity_is_accepted_by_its_service_only() {
    String token = signer.sign("key:ops", "OPERATOR", "job-service");

    assertThat(verifier("job-service", NOW).verify(token))
        .isEqualTo(new CallerIdentity("gateway", "key:ops", "OPERATOR", "job-service"));
    assertRefused(verifier("execution-service", NOW), token, "meant for another service");
  }

  @Test
  void an_expired_or_future_identity_is_refused_beyond_the_clock_skew() {
    String token = signer.sign("key:ops", "OPERATOR", "job-service");

    assertThat(verifier("job-service", NOW.plusSeconds(89)).verify(token)).isNotNull();
    assertRefused(verifier("job-service", NOW.plusSeconds(91)), token, "expired");
    assertThat(verifier("job-service", NOW.minusSeconds(29)).verify(token)).isNotNull();
    assertRefused(verifier("job-service", NOW.minusSeconds(31)), token, "issued in the future");
  }

  @Test
  void a_forged_tampered_or_other_key_identity_is_refused() throws Exception {
    String token = signer.sign("key:viewer", "VIEWER", "job-service");
    String[] parts = token.split("\\.");
    String admin =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]))
                    .replace("VIEWER", "ADMIN")
                    .getBytes());
    assertRefused(
        verifier("job-service", NOW),
        parts[0] + "." + admin + "." + parts[2],
        "signature does not match");

    // the right key id, the wrong key
    assertRefused(
        verifier("job-service", NOW),
        signer(OTHER, Clock.fixed(NOW, ZoneOffset.UTC)).sign("key:x", "ADMIN", "job-service"),
        "signature does not match");
    // an unknown key id
    assertRefused(
        verifier("job-service", NOW),
        signed(JWSAlgorithm.ES256, "k9", claims(NOW, NOW.plusSeconds(60))),
        "unknown key");
    // HMAC with the public key as secret (the algorithm confusion trick)
    SignedJWT hmac =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(),
            claims(NOW, NOW.plusSeconds(60)));
    hmac.sign(new MACSigner(GATEWAY.getPublic().getEncoded()));
    assertRefused(verifier("job-service", NOW), hmac.serialize(), "not signed ES256");
    // valid far longer than one request
    assertRefused(
        verifier("job-service", NOW),
        signed(JWSAlgorithm.ES256, "k1", claims(NOW, NOW.plus(Duration.ofDays(1)))),
        "valid for longer than");
    assertRefused(verifier("job-service", NOW), null, "no X-Scheduler-Identity header");
    assertRefused(verifier("job-service", NOW), "not-a-token", "not a signed token");
  }

  @Test
  void a_signed_identity_is_reused_for_half_its_life_and_a_remembered_one_still_expires() {
    MovingClock clock = new MovingClock(NOW);
    IdentitySigner reusing = signer(GATEWAY, clock);
    IdentityVerifier service =
        new IdentityVerifier(
            "job-service",
            List.of(new IdentityVerifier.TrustedKey("k1", publicPem(GATEWAY))),
            "test",
            clock);
    String first = reusing.sign("key:ops", "OPERATOR", "job-service");

    clock.now = NOW.plusSeconds(29);
    assertThat(reusing.sign("key:ops", "OPERATOR", "job-service")).isEqualTo(first);
    assertThat(reusing.sign("key:ops", "OPERATOR", "monitor-service")).isNotEqualTo(first);
    assertThat(service.verify(first).caller()).isEqualTo("key:ops");
    clock.now = NOW.plusSeconds(31);
    assertThat(reusing.sign("key:ops", "OPERATOR", "job-service")).isNotEqualTo(first);

    clock.now = NOW.plusSeconds(91); // 60 s of life and 30 s of skew are over
    assertRefused(service, first, "expired");
  }

  /** A clock the test moves. */
  private static final class MovingClock extends Clock {
    Instant now;

    MovingClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void unusable_keys_are_refused_naming_the_setting() {
    assertThatThrownBy(
            () ->
                new IdentitySigner("gateway", "k1", "nonsense", "x.private-key", Clock.systemUTC()))
        .hasMessageContaining("x.private-key has no -----BEGIN PRIVATE KEY----- block");
    assertThatThrownBy(
            () ->
                new IdentityVerifier("job-service", List.of(), "x.trusted-keys", Clock.systemUTC()))
        .hasMessageContaining("x.trusted-keys names no trusted key");
  }

  private static void assertRefused(IdentityVerifier verifier, String token, String why) {
    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOf(IdentityVerifier.InvalidIdentityException.class)
        .hasMessageContaining(why);
  }

  private static IdentityVerifier verifier(String audience, Instant now) {
    return new IdentityVerifier(
        audience,
        List.of(new IdentityVerifier.TrustedKey("k1", publicPem(GATEWAY))),
        "test",
        Clock.fixed(now, ZoneOffset.UTC));
  }

  private static IdentitySigner signer(KeyPair keys, Clock clock) {
    return new IdentitySigner("gateway", "k1", privatePem(keys), "test", clock);
  }

  private static JWTClaimsSet claims(Instant issued, Instant expires) {
    return new JWTClaimsSet.Builder()
        .issuer("gateway")
        .subject("key:x")
        .claim("role", "ADMIN")
        .audience("job-service")
        .issueTime(Date.from(issued))
        .expirationTime(Date.from(expires))
        .build();
  }

  private static String signed(JWSAlgorithm algorithm, String kid, JWTClaimsSet claims)
      throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).build(), claims);
    jwt.sign(new ECDSASigner((java.security.interfaces.ECPrivateKey) GATEWAY.getPrivate()));
    return jwt.serialize();
  }

  static KeyPair p256() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String privatePem(KeyPair keys) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  static String publicPem(KeyPair keys) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }
}
