package dev.scheduler.execution.nodes;

import dev.scheduler.contracts.FieldViolation;
import dev.scheduler.contracts.NodeState;
import dev.scheduler.execution.PagedQuery;
import dev.scheduler.support.ApiException;
import dev.scheduler.support.PageResponse;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The node list for operators and job-service. The agents' side is {@link AgentNodesResource}. */
@RestController
@RequestMapping("/api/v1/nodes")
public class NodesResource {

  private final NodeRegistry registry;

  public NodesResource(NodeRegistry registry) {
    this.registry = registry;
  }

  @GetMapping
  public PageResponse<NodeView> list(
      @RequestParam(required = false) String app,
      @RequestParam(required = false) NodeState state,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    List<FieldViolation> violations = new ArrayList<>();
    PagedQuery.checkPaging(page, size, 200, violations);
    if (!violations.isEmpty()) {
      throw ApiException.invalid(violations);
    }
    return registry.list(app, state, page, size);
  }

  @GetMapping("/{nodeId}")
  public NodeView get(@PathVariable String nodeId) {
    return registry.find(nodeId).orElseThrow(() -> ApiException.notFound("node " + nodeId));
  }
}
