package dev.scheduler.execution.nodes;

import dev.scheduler.contracts.ProblemCode;
import dev.scheduler.support.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.stereotype.Component;

/** Checks the agent token that the agents' endpoints require (heartbeats, leases). */
@Component
public class AgentToken {

  public static final String HEADER = "X-Scheduler-Agent-Token";

  private final NodeProperties properties;

  public AgentToken(NodeProperties properties) {
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
