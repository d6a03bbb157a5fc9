package dev.scheduler.execution.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scheduler.contracts.EventSignatures;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** Configured credentials: each names its app, and a placeholder fails the start. */
class CredentialBookTest {

  private static final String CREDENTIAL = "sac1.Billing." + "b".repeat(43);
  private static final String HASH = CredentialTokens.sha256(CREDENTIAL);

  @Test
  void a_configured_credential_serves_the_app_it_is_configured_for() {
    CredentialBook book = book(List.of(" Billing:" + HASH.toUpperCase() + " ", ""));

    CredentialBook.Entry entry = book.byHash(HASH).orElseThrow();
    assertThat(entry.app()).isEqualTo("Billing");
    assertThat(book.byKeyId(EventSignatures.keyId(EventSignatures.keyOf(CREDENTIAL))))
        .contains(entry);
  }

  @Test
  void anything_but_app_and_hash_stops_the_start_without_showing_the_value() {
    for (String bad :
        List.of("change-me", HASH, "billing:" + HASH.substring(1), "bad app:" + HASH)) {
      assertThatThrownBy(() -> book(List.of(bad)))
          .as(bad)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("scheduler.execution.agent-credentials.hashes")
          .hasMessageNotContaining(HASH.substring(12));
    }
  }

  private static CredentialBook book(List<String> hashes) {
    // the database is read on first miss only; these lookups all hit
    return new CredentialBook(
        null,
        null,
        new AgentToken(null, new MockEnvironment()),
        new AgentCredentialProperties(hashes, Duration.ofSeconds(5)));
  }
}
