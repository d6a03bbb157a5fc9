package dev.scheduler.contracts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How an agent signs the execution events it publishes, so that execution-service takes an outcome
 * only from an agent of the execution's app: HMAC-SHA256 of the message body, keyed with the
 * SHA-256 of the agent's credential. execution-service keeps exactly that hash of each credential,
 * so it can check the signature without ever holding the credential, and an agent of another app,
 * which does not know the credential, cannot make one. The message names its key by {@link #keyId}
 * (a hash of the key, which tells nothing of the key), in {@link #KEY_PROPERTY}; the signature goes
 * in {@link #SIGNATURE_PROPERTY}. Written by hand on the JDK's HMAC: a message signature of two
 * properties needs no JOSE envelope around a body the broker already carries.
 */
public final class EventSignatures {

  /** The message property naming the signing key. */
  public static final String KEY_PROPERTY = "schedKey";

  /** The message property with the body's signature, URL-safe Base64 without padding. */
  public static final String SIGNATURE_PROPERTY = "schedSig";

  private static final String HMAC = "HmacSHA256";

  private EventSignatures() {}

  /** The signing key of {@code credential}: its SHA-256, as execution-service stores it. */
  public static byte[] keyOf(String credential) {
    return sha256(credential.getBytes(StandardCharsets.UTF_8));
  }

  /** The signing key from its stored form, the lower-case hex SHA-256 of the credential. */
  public static byte[] keyFromHash(String sha256Hex) {
    return HexFormat.of().parseHex(sha256Hex);
  }

  /** What names {@code key} in a message: 16 hex digits of its own SHA-256. */
  public static String keyId(byte[] key) {
    return HexFormat.of().formatHex(sha256(key)).substring(0, 16);
  }

  /** The signature of {@code body} with {@code key}. */
  public static String sign(byte[] key, byte[] body) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(key, body));
  }

  /** Whether {@code signature} is {@code body}'s with {@code key}, compared in constant time. */
  public static boolean verify(byte[] key, byte[] body, String signature) {
    if (signature == null) {
      return false;
    }
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(mac(key, body), given);
  }

  private static byte[] mac(byte[] key, byte[] body) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has " + HMAC, e);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
