package dev.scheduler.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signs the identity of a caller for one service (ES256 JWT through Nimbus JOSE), valid for {@link
 * #LIFETIME}: the gateway for the callers it authenticated, a service for its own calls to another.
 * Only the holder of the private key can sign; the services hold public keys only.
 */
public final class IdentitySigner {

  /** The header that carries the signed identity. */
  public static final String HEADER = "X-Scheduler-Identity";

  /** How long a signed identity is accepted: one request's worth, with room for clock skew. */
  public static final Duration LIFETIME = Duration.ofSeconds(60);

  private final String issuer;
  private final String keyId;
  private final ECDSASigner signer;
  private final Clock clock;

  /**
   * Identities signed lately, reused for half their lifetime: an ES256 signature costs about half a
   * millisecond of CPU, and a caller sends many requests to the same service in a minute.
   */
  private final Map<String, Signed> recent = new ConcurrentHashMap<>();

  private record Signed(String token, Instant at) {}

  /** The most identities remembered; beyond, the memory starts afresh. */
  static final int REMEMBERED = 10_000;

  /**
   * @param issuer who signs ({@code gateway}, a service's name)
   * @param keyId the id the services know the matching public key by
   * @param privateKeyPem the EC P-256 private key in PKCS #8 PEM
   * @param setting the setting the key comes from, named when it is unusable
   */
  public IdentitySigner(
      String issuer, String keyId, String privateKeyPem, String setting, Clock clock) {
    this.issuer = issuer;
    this.keyId = keyId;
    this.clock = clock;
    try {
      this.signer = new ECDSASigner(Pem.privateKey(privateKeyPem, setting));
    } catch (JOSEException e) {
      throw new IllegalArgumentException(setting + " is not a P-256 key", e);
    }
  }

  /**
   * The signed identity of {@code caller} with {@code role}, for {@code audience} only: valid for
   * at least half of {@link #LIFETIME} from now.
   */
  public String sign(String caller, String role, String audience) {
    Instant now = clock.instant();
    String key = caller + '\n' + role + '\n' + audience;
    Signed last = recent.get(key);
    if (last != null
        && !last.at().isAfter(now)
        && last.at().plus(LIFETIME.dividedBy(2)).isAfter(now)) {
      return last.token();
    }
    if (recent.size() >= REMEMBERED) {
      recent.clear();
    }
    String token = signNow(caller, role, audience, now);
    recent.put(key, new Signed(token, now));
    return token;
  }

  private String signNow(String caller, String role, String audience, Instant now) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(caller)
            .claim("role", role)
            .audience(audience)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(LIFETIME)))
            .jwtID(UUID.randomUUID().toString())
            .build();
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keyId).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("could not sign a caller identity", e);
    }
    return jwt.serialize();
  }
}
