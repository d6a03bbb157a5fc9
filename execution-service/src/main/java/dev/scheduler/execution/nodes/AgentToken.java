package dev.scheduler.execution.nodes;

import dev.scheduler.contracts.ProblemCode;
import dev.scheduler.contracts.Secrets;
import dev.scheduler.support.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * Checks the agent token that the agents' endpoints require (heartbeats, leases). Outside the local
 * profile the service does not start with a missing, short or built-in token.
 */
@Component
public class AgentToken {

  public static final String HEADER = "X-Scheduler-Agent-Token";

  private final NodeProperties properties;

  /** The local stack's token, which the local profile alone accepts. */
  static final String BUILT_IN = "local-dev-token";

  public AgentToken(NodeProperties properties, Environment environment) {
    Secrets.require(
        environment.acceptsProfiles(Profiles.of(Secrets.LOCAL_PROFILE)),
        "scheduler.execution.nodes.agent-token (SCHEDULER_AGENT_TOKEN)",
        properties.agentToken(),
        List.of(BUILT_IN));
    this.properties = properties;
  }

  /**
   * @throws ApiException UNAUTHENTICATED unless {@code token} is the configured agent token
   */
  public void check(String token) {
    String expected = properties.agentToken();
    boolean ok =
        expected != null
            && !expected.isBlank()
            && token != null
            && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    if (!ok) {
      throw new ApiException(
          ProblemCode.UNAUTHENTICATED, "a valid agent token is required in " + HEADER);
    }
  }
}
