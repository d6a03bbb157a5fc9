package dev.scheduler.monitor.nodes;

import dev.scheduler.contracts.NodeState;
import java.util.List;

/** The node registry as execution-service lists it: the parts monitor-service reads. */
public record NodeSample(List<Node> items, long totalPages) {

  /** One agent instance and the load it last reported. */
  public record Node(
      String nodeId,
      String app,
      NodeState state,
      int capacity,
      int running,
      Double cpuLoad,
      Long heapUsedBytes) {}
}
