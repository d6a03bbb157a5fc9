package dev.scheduler.execution.nodes;

import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.Heartbeat;
import dev.scheduler.contracts.NodeState;
import dev.scheduler.contracts.NodeStateChanged;
import dev.scheduler.execution.PagedQuery;
import dev.scheduler.support.PageResponse;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** {@code scheduler_node_registry}: every agent instance, its state and its last reported load. */
@Component
public class NodeRegistry {

  private final JdbcClient jdbc;

  public NodeRegistry(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Records a heartbeat; a node seen the first time, or coming back, becomes ONLINE.
   *
   * @return the state change it caused, if any
   */
  @Transactional
  public Optional<NodeStateChanged> heartbeat(Heartbeat beat, Instant now) {
    Optional<NodeState> before =
        jdbc.sql("SELECT state FROM scheduler_node_registry WHERE node_id = ? FOR UPDATE")
            .param(beat.nodeId())
            .query((rs, n) -> NodeState.valueOf(rs.getString(1)))
            .optional();
    Timestamp at = Timestamp.from(now);
    if (before.isEmpty()) {
      jdbc.sql(
              "INSERT INTO scheduler_node_registry (node_id, app, state, registered_at,"
                  + " last_heartbeat_at, state_changed_at) VALUES (?, ?, 'ONLINE', ?, ?, ?)")
          .params(beat.nodeId(), beat.app(), at, at, at)
          .update();
    }
    boolean back = before.isPresent() && before.get() != NodeState.ONLINE;
    jdbc.sql(
            "UPDATE scheduler_node_registry SET app = ?, host = ?, port = ?, state = 'ONLINE',"
                + " capacity = ?, running = ?, queued = ?, cpu_load = ?, heap_used_bytes = ?,"
                + " heap_max_bytes = ?, agent_version = ?, last_heartbeat_at = ?,"
                + " state_changed_at = CASE WHEN state = 'ONLINE' THEN state_changed_at ELSE ? END,"
                + " version = version + 1 WHERE node_id = ?")
        .params(
            beat.app(),
            beat.host(),
            beat.port(),
            beat.capacity(),
            beat.running(),
            beat.queued(),
            beat.cpuLoad(),
            beat.heapUsedBytes(),
            beat.heapMaxBytes(),
            beat.agentVersion(),
            at,
            at,
            beat.nodeId())
        .update();
    if (before.isEmpty()) {
      return Optional.of(changed(beat.nodeId(), beat.app(), null, NodeState.ONLINE, now));
    }
    return back
        ? Optional.of(changed(beat.nodeId(), beat.app(), before.get(), NodeState.ONLINE, now))
        : Optional.empty();
  }

  /** Moves a node to {@code to} if it is still in {@code from}; the change, if made. */
  @Transactional
  public Optional<NodeStateChanged> move(NodeView node, NodeState to, Instant now) {
    int moved =
        jdbc.sql(
                "UPDATE scheduler_node_registry SET state = ?, state_changed_at = ?,"
                    + " version = version + 1 WHERE node_id = ? AND state = ?")
            .params(to.name(), Timestamp.from(now), node.nodeId(), node.state().name())
            .update();
    return moved == 1
        ? Optional.of(changed(node.nodeId(), node.app(), node.state(), to, now))
        : Optional.empty();
  }

  /** Nodes in {@code state} silent since before {@code silentSince}. */
  public List<NodeView> silent(NodeState state, Instant silentSince) {
    return jdbc.sql(
            "SELECT * FROM scheduler_node_registry WHERE state = ? AND last_heartbeat_at < ?"
                + " ORDER BY node_id")
        .params(state.name(), Timestamp.from(silentSince))
        .query(NodeRegistry::view)
        .list();
  }

  public Optional<NodeView> find(String nodeId) {
    return jdbc.sql("SELECT * FROM scheduler_node_registry WHERE node_id = ?")
        .param(nodeId)
        .query(NodeRegistry::view)
        .optional();
  }

  /** A page of nodes, optionally of one app and in one state, by app and node id. */
  public PageResponse<NodeView> list(String app, NodeState state, int page, int size) {
    return new PagedQuery()
        .and("AND app = ?", app)
        .and("AND state = ?", state == null ? null : state.name())
        .page(jdbc, "scheduler_node_registry", "app, node_id", page, size, NodeRegistry::view);
  }

  private static NodeStateChanged changed(
      String nodeId, String app, NodeState from, NodeState to, Instant now) {
    return new NodeStateChanged(Contracts.SCHEMA_VERSION, nodeId, app, from, to, now);
  }

  private static NodeView view(ResultSet rs, int n) throws SQLException {
    return new NodeView(
        rs.getString("node_id"),
        rs.getString("app"),
        rs.getString("host"),
        (Integer) rs.getObject("port", Integer.class),
        NodeState.valueOf(rs.getString("state")),
        rs.getInt("capacity"),
        rs.getInt("running"),
        rs.getInt("queued"),
        rs.getObject("cpu_load", Double.class),
        rs.getObject("heap_used_bytes", Long.class),
        rs.getObject("heap_max_bytes", Long.class),
        rs.getString("agent_version"),
        rs.getTimestamp("registered_at").toInstant(),
        rs.getTimestamp("last_heartbeat_at").toInstant(),
        rs.getTimestamp("state_changed_at").toInstant());
  }
}
