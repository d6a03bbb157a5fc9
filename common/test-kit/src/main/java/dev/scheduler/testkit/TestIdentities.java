package dev.scheduler.testkit;

import dev.scheduler.identity.IdentitySigner;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.Base64;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A signer of caller identities for tests, as the gateway would sign them, with a key pair made for
 * the run: {@link #KEY_ID} and {@link #publicKey()} are what a service under test trusts.
 */
public final class TestIdentities {

  /** The id the services under test know the test signer's key by. */
  public static final String KEY_ID = "test-gateway";

  private static final KeyPair KEYS = p256();
  private static final IdentitySigner SIGNER =
      new IdentitySigner("gateway", KEY_ID, privateKey(KEYS), "test key", Clock.systemUTC());

  private TestIdentities() {}

  /** Makes the service under test trust the test signer (its only trusted key). */
  public static void trustedBy(DynamicPropertyRegistry registry) {
    registry.add("scheduler.identity.trusted-keys[0].id", () -> KEY_ID);
    registry.add("scheduler.identity.trusted-keys[0].public-key", TestIdentities::publicKey);
  }

  /** The test signer's public key, PEM. */
  public static String publicKey() {
    return pem("PUBLIC KEY", KEYS.getPublic().getEncoded());
  }

  /** The test signer's private key, PKCS #8 PEM. */
  public static String privateKey() {
    return privateKey(KEYS);
  }

  /** A signed identity of {@code caller} with {@code role} for {@code service}. */
  public static String sign(String caller, String role, String service) {
    return SIGNER.sign(caller, role, service);
  }

  /** A fresh P-256 key pair, e.g. for a forger. */
  public static KeyPair p256() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The private key of {@code keys}, PKCS #8 PEM. */
  public static String privateKey(KeyPair keys) {
    return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
