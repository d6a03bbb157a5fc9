package dev.scheduler.identity;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * EC P-256 keys in the PEM files {@code openssl} writes: {@code openssl genpkey -algorithm EC
 * -pkeyopt ec_paramgen_curve:P-256 -out identity.key} (PKCS #8) and {@code openssl pkey -in
 * identity.key -pubout -out identity.pub} (X.509). Read with the JDK's own key factory.
 */
final class Pem {

  private Pem() {}

  static ECPrivateKey privateKey(String pem, String setting) {
    try {
      return (ECPrivateKey)
          KeyFactory.getInstance("EC")
              .generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY", setting)));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException(setting + " is not an EC private key in PKCS #8 PEM", e);
    }
  }

  static ECPublicKey publicKey(String pem, String setting) {
    try {
      return (ECPublicKey)
          KeyFactory.getInstance("EC")
              .generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY", setting)));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException(setting + " is not an EC public key in PEM", e);
    }
  }

  private static byte[] der(String pem, String type, String setting) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = pem == null ? -1 : pem.indexOf(begin);
    int to = pem == null ? -1 : pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(setting + " has no " + begin + " block");
    }
    String body = pem.substring(from + begin.length(), to).replaceAll("\\s", "");
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + " is not valid base64 inside its PEM block", e);
    }
  }
}
