package dev.scheduler.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Signatures of execution events: made from the credential, checked from its stored hash. */
class EventSignaturesTest {

  private static final String CREDENTIAL = "sac1.billing." + "k".repeat(43);
  private static final byte[] BODY = "{\"type\":\"SUCCEEDED\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void what_an_agent_signs_with_its_credential_checks_with_the_stored_hash() throws Exception {
    String storedHash =
        HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(CREDENTIAL.getBytes(StandardCharsets.UTF_8)));
    byte[] agentKey = EventSignatures.keyOf(CREDENTIAL);
    byte[] serviceKey = EventSignatures.keyFromHash(storedHash);

    String signature = EventSignatures.sign(agentKey, BODY);

    assertThat(EventSignatures.verify(serviceKey, BODY, signature)).isTrue();
    assertThat(EventSignatures.keyId(agentKey))
        .isEqualTo(EventSignatures.keyId(serviceKey))
        .hasSize(16)
        // the id is no part of the key
        .isNotIn(storedHash.substring(0, 16), storedHash.substring(48));
  }

  @Test
  void another_key_an_altered_body_or_a_garbled_signature_does_not_check() {
    byte[] key = EventSignatures.keyOf(CREDENTIAL);
    String signature = EventSignatures.sign(key, BODY);
    byte[] otherKey = EventSignatures.keyOf("sac1.payments." + "k".repeat(43));
    byte[] altered = "{\"type\":\"FAILED\"}".getBytes(StandardCharsets.UTF_8);

    assertThat(EventSignatures.verify(otherKey, BODY, signature)).isFalse();
    assertThat(EventSignatures.verify(key, altered, signature)).isFalse();
    assertThat(EventSignatures.verify(key, BODY, "not base64!")).isFalse();
    assertThat(EventSignatures.verify(key, BODY, null)).isFalse();
    assertThat(EventSignatures.verify(key, BODY, signature.substring(1))).isFalse();
  }
}
