package dev.scheduler.execution.nodes;

import dev.scheduler.contracts.NodeState;
import dev.scheduler.contracts.NodeStateChanged;
import dev.scheduler.execution.ingest.Dispatcher;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Notices silent nodes: ONLINE → SUSPECT after {@code suspect-after} without a heartbeat, then
 * OFFLINE after {@code offline-after}. The state says where new work may go (a broadcast's shares
 * go to ONLINE nodes) and what operators see; it fails nothing over: a silent node may be paused or
 * cut off and still run what it holds, so its executions run again only once their leases have run
 * out ({@link dev.scheduler.execution.lease.LeaseWatch}). Runs on one replica at a time (ShedLock
 * on {@code scheduler_job_lock}); every state change is published on {@code SCHEDULER_NODE_STATE}.
 * Silence counts only from when this replica was ready to take heartbeats, so a replica that just
 * started judges no node before it has listened for {@code offline-after} (with another replica up
 * all along, a dead node's failover can wait that much longer when the new replica holds the lock).
 */
@Component
public class NodeWatch {

  private static final Logger log = LoggerFactory.getLogger(NodeWatch.class);

  private final NodeRegistry registry;
  private final NodeProperties properties;
  private final Dispatcher dispatcher;
  private final Clock clock;

  /**
   * Since when this replica takes heartbeats. Silence from before it is not held against a node:
   * after all replicas were down (a restart, an outage longer than {@code offline-after}) every
   * node would look silent and the work of live agents would be failed over and run twice.
   */
  private volatile Instant listeningSince;

  public NodeWatch(
      NodeRegistry registry, NodeProperties properties, Dispatcher dispatcher, Clock clock) {
    this.registry = registry;
    this.properties = properties;
    this.dispatcher = dispatcher;
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
    changes.forEach(this::announce);
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
}
