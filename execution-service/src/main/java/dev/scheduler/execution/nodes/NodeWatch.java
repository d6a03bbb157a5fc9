package dev.scheduler.execution.nodes;

import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.NodeState;
import dev.scheduler.contracts.NodeStateChanged;
import dev.scheduler.execution.ingest.Dispatcher;
import dev.scheduler.execution.store.ExecutionIngest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Notices silent nodes: ONLINE → SUSPECT after {@code suspect-after} without a heartbeat (no new
 * work is meant for it, it keeps what it runs), then OFFLINE after {@code offline-after}; the
 * running executions of a node that goes OFFLINE (or leaves) are failed over: each is ended
 * ABANDONED for its attempt and dispatched again as a new attempt to the app's other agents. Runs
 * on one replica at a time (ShedLock on {@code scheduler_job_lock}); every state change is
 * published on {@code SCHEDULER_NODE_STATE}. Silence counts only from when this replica was ready
 * to take heartbeats, so a replica that just started judges no node before it has listened for
 * {@code offline-after} (with another replica up all along, a dead node's failover can wait that
 * much longer when the new replica holds the lock).
 */
@Component
public class NodeWatch {

  private static final Logger log = LoggerFactory.getLogger(NodeWatch.class);

  private final NodeRegistry registry;
  private final NodeProperties properties;
  private final ExecutionIngest ingest;
  private final Dispatcher dispatcher;
  private final JdbcClient jdbc;
  private final Clock clock;

  /**
   * Since when this replica takes heartbeats. Silence from before it is not held against a node:
   * after all replicas were down (a restart, an outage longer than {@code offline-after}) every
   * node would look silent and the work of live agents would be failed over and run twice.
   */
  private volatile Instant listeningSince;

  public NodeWatch(
      NodeRegistry registry,
      NodeProperties properties,
      ExecutionIngest ingest,
      Dispatcher dispatcher,
      JdbcClient jdbc,
      Clock clock) {
    this.registry = registry;
    this.properties = properties;
    this.ingest = ingest;
    this.dispatcher = dispatcher;
    this.jdbc = jdbc;
    this.clock = clock;
    this.listeningSince = clock.instant();
  }

  /** From now on this replica takes heartbeats: silence is counted from here at the earliest. */
  @EventListener(ApplicationReadyEvent.class)
  public void listening() {
    listeningSince = clock.instant();
  }

  @Scheduled(fixedDelayString = "${scheduler.execution.nodes.scan-interval:500ms}")
  @SchedulerLock(name = "node-watch", lockAtMostFor = "PT30S")
  public void scheduledScan() {
    scan();
  }

  /** One look at every node's silence; returns the changes made. */
  public List<NodeStateChanged> scan() {
    Instant now = clock.instant();
    List<NodeStateChanged> changes = new ArrayList<>();
    Instant offlineBefore = now.minus(properties.offlineAfter());
    if (!listeningSince.isAfter(offlineBefore)) {
      for (NodeState state : List.of(NodeState.ONLINE, NodeState.SUSPECT)) {
        for (NodeView node : registry.silent(state, offlineBefore)) {
          registry.move(node, NodeState.OFFLINE, now).ifPresent(changes::add);
        }
      }
    }
    Instant suspectBefore = now.minus(properties.suspectAfter());
    if (!listeningSince.isAfter(suspectBefore)) {
      for (NodeView node : registry.silent(NodeState.ONLINE, suspectBefore)) {
        registry.move(node, NodeState.SUSPECT, now).ifPresent(changes::add);
      }
    }
    for (NodeStateChanged change : changes) {
      announce(change);
      if (change.to() == NodeState.OFFLINE) {
        failOver(change.nodeId(), "node " + change.nodeId() + " went OFFLINE (no heartbeat)");
      }
    }
    return changes;
  }

  /** Publishes a state change for monitor-service; a failed send is logged, the state stands. */
  public void announce(NodeStateChanged change) {
    log.info("node {} of {}: {} -> {}", change.nodeId(), change.app(), change.from(), change.to());
    try {
      dispatcher.nodeState(change);
    } catch (RuntimeException e) {
      log.warn("node state change of {} not published: {}", change.nodeId(), e.toString());
    }
  }

  /** Ends the running executions of a node as ABANDONED, so they run again elsewhere. */
  public int failOver(String nodeId, String why) {
    Instant now = clock.instant();
    List<ExecutionEvent> abandoned =
        jdbc.sql(
                "SELECT execution_id, job_id, app, attempt, scheduled_at, started_at, max_attempts"
                    + " FROM scheduler_job_execution WHERE node_id = ? AND status = 'RUNNING'")
            .param(nodeId)
            .query(
                (rs, n) ->
                    new ExecutionEvent(
                        Contracts.SCHEMA_VERSION,
                        ExecutionEventType.ABANDONED,
                        rs.getString("execution_id"),
                        rs.getLong("job_id"),
                        rs.getString("app"),
                        rs.getInt("attempt"),
                        nodeId,
                        now,
                        null,
                        why,
                        List.of(),
                        null,
                        rs.getTimestamp("scheduled_at").toInstant(),
                        instantOrNull(rs.getTimestamp("started_at")),
                        rs.getInt("max_attempts"),
                        false))
            .list();
    if (!abandoned.isEmpty()) {
      log.warn("failing over {} executions of {}: {}", abandoned.size(), nodeId, why);
      dispatcher.dispatch(ingest.events(abandoned));
      dispatcher.announceApplied(abandoned);
    }
    return abandoned.size();
  }

  private static Instant instantOrNull(java.sql.Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
