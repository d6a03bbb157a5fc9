package dev.scheduler.execution.nodes;

import dev.scheduler.contracts.ConsumerGroups;
import dev.scheduler.contracts.FieldViolation;
import dev.scheduler.contracts.Heartbeat;
import dev.scheduler.contracts.NodeState;
import dev.scheduler.execution.credentials.AgentAuthenticator;
import dev.scheduler.execution.credentials.AgentPrincipal;
import dev.scheduler.execution.credentials.AgentToken;
import dev.scheduler.support.ApiException;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The agents' side of the node registry, apart from the management API under {@code /api}:
 * heartbeats and farewells, authenticated by an app's agent credential (or the shared agent token):
 * an agent may speak for its own app's nodes only. The gateway does not route {@code /agent/**};
 * agents reach execution-service inside the cluster.
 */
@Hidden // the agents' endpoints: not in the public API description
@RestController
@RequestMapping("/agent/v1")
public class AgentNodesResource {

  public static final String TOKEN_HEADER = AgentToken.HEADER;

  private final NodeRegistry registry;
  private final NodeWatch watch;
  private final AgentAuthenticator authenticator;
  private final AgentScope scope;
  private final Clock clock;

  public AgentNodesResource(
      NodeRegistry registry,
      NodeWatch watch,
      AgentAuthenticator authenticator,
      AgentScope scope,
      Clock clock) {
    this.registry = registry;
    this.watch = watch;
    this.authenticator = authenticator;
    this.scope = scope;
    this.clock = clock;
  }

  @PostMapping("/heartbeats")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  public void heartbeat(
      @RequestHeader(name = TOKEN_HEADER, required = false) String token,
      @RequestBody Heartbeat beat) {
    AgentPrincipal principal = authenticator.authenticate(token, beat.app(), "heartbeat");
    validate(beat);
    scope.requireNode(principal, beat.nodeId(), "heartbeat");
    registry.heartbeat(beat, clock.instant()).ifPresent(watch::announce);
  }

  /**
   * An agent leaving on purpose: OFFLINE at once, so no new broadcast share is meant for it. What
   * it still holds is not failed over here: a node that says it leaves may still run it, and what
   * it does not release runs again only once its lease has run out.
   */
  @DeleteMapping("/nodes/{nodeId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  public void leave(
      @RequestHeader(name = TOKEN_HEADER, required = false) String token,
      @PathVariable String nodeId) {
    AgentPrincipal principal = authenticator.authenticate(token, null, "leave");
    NodeView node =
        registry.find(nodeId).orElseThrow(() -> ApiException.notFound("node " + nodeId));
    scope.requireNode(principal, node, "leave");
    registry.move(node, NodeState.OFFLINE, clock.instant()).ifPresent(watch::announce);
  }

  private static void validate(Heartbeat beat) {
    List<FieldViolation> violations = new ArrayList<>();
    if (beat.nodeId().isBlank() || beat.nodeId().length() > 128) {
      violations.add(new FieldViolation("nodeId", "must be 1 to 128 characters"));
    }
    if (!ConsumerGroups.APP_NAME.matcher(beat.app()).matches()) {
      violations.add(new FieldViolation("app", "must match " + ConsumerGroups.APP_NAME.pattern()));
    }
    if (beat.capacity() < 0 || beat.running() < 0 || beat.queued() < 0) {
      violations.add(new FieldViolation("capacity", "load figures must be 0 or more"));
    }
    if (beat.host() != null && beat.host().length() > 255) {
      violations.add(new FieldViolation("host", "must be at most 255 characters"));
    }
    if (beat.agentVersion() != null && beat.agentVersion().length() > 32) {
      violations.add(new FieldViolation("agentVersion", "must be at most 32 characters"));
    }
    if (!violations.isEmpty()) {
      throw ApiException.invalid(violations);
    }
  }
}
