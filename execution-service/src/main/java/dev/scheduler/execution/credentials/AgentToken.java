package dev.scheduler.execution.credentials;

import dev.scheduler.contracts.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * The shared agent token, which serves the agents of every app: the local stack's way in, and a
 * bridge for a deployment moving to per-app credentials. Unset, it accepts nothing; outside the
 * local profile the service does not start with a short or built-in one. Set by {@code
 * scheduler.execution.nodes.agent-token} (environment variable {@code SCHEDULER_AGENT_TOKEN}).
 */
@Component
public class AgentToken {

  /** Where agents send their credential or the shared token. */
  public static final String HEADER = "X-Scheduler-Agent-Token";

  /** The local stack's token, which the local profile alone accepts. */
  static final String BUILT_IN = "local-dev-token";

  private final byte[] expected;

  public AgentToken(
      @Value("${scheduler.execution.nodes.agent-token:}") String token, Environment environment) {
    if (token != null && !token.isBlank()) {
      Secrets.require(
          environment.acceptsProfiles(Profiles.of(Secrets.LOCAL_PROFILE)),
          "scheduler.execution.nodes.agent-token (SCHEDULER_AGENT_TOKEN)",
          token,
          List.of(BUILT_IN));
    }
    this.expected =
        token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  /** The shared token's SHA-256 (hex), if one is set: how the credential book knows it. */
  public Optional<String> sha256() {
    return expected == null
        ? Optional.empty()
        : Optional.of(CredentialTokens.sha256(new String(expected, StandardCharsets.UTF_8)));
  }

  /** Whether {@code token} is the shared token (never, while none is set). */
  public boolean matches(String token) {
    return expected != null
        && token != null
        && MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.UTF_8));
  }
}
