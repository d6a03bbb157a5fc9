package dev.scheduler.execution.nodes;

import dev.scheduler.execution.credentials.AgentPrincipal;
import dev.scheduler.execution.credentials.AgentRefusals;
import dev.scheduler.execution.credentials.AgentRefusals.Reason;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What an authenticated agent may name: the nodes its app registered and the executions of its app.
 * A node id belongs to the app whose agent registered it, so another app's agent can neither take
 * it over, make it leave, nor renew or give up the leases it holds.
 */
@Component
public class AgentScope {

  private final NodeRegistry registry;
  private final NamedParameterJdbcTemplate named;
  private final AgentRefusals refusals;

  public AgentScope(
      NodeRegistry registry, NamedParameterJdbcTemplate named, AgentRefusals refusals) {
    this.registry = registry;
    this.named = named;
    this.refusals = refusals;
  }

  /** Refuses (403) unless {@code principal} may speak for {@code node}. */
  public void requireNode(AgentPrincipal principal, NodeView node, String action) {
    if (!principal.mayActFor(node.app())) {
      throw refusals.refuse(
          principal.appOrAll(),
          action,
          Reason.OTHER_APPS_NODE,
          "node " + node.nodeId() + " is registered by another app");
    }
  }

  /** As {@link #requireNode}, for a node id that may not be registered yet (then it may). */
  public void requireNode(AgentPrincipal principal, String nodeId, String action) {
    if (principal.app() != null) {
      registry.find(nodeId).ifPresent(node -> requireNode(principal, node, action));
    }
  }

  /** Refuses (403) if any of {@code executionIds} is stored as another app's. */
  public void requireExecutions(
      AgentPrincipal principal, Collection<String> executionIds, String action) {
    if (principal.app() == null || executionIds.isEmpty()) {
      return;
    }
    List<String> foreign =
        named.queryForList(
            "SELECT execution_id FROM scheduler_job_execution"
                + " WHERE execution_id IN (:ids) AND app <> :app LIMIT 1",
            Map.of("ids", executionIds, "app", principal.app()),
            String.class);
    if (!foreign.isEmpty()) {
      throw refusals.refuse(
          principal.app(),
          action,
          Reason.OTHER_APP,
          "execution " + foreign.get(0) + " belongs to another app");
    }
  }
}
