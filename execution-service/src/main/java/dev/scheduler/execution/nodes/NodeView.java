package dev.scheduler.execution.nodes;

import dev.scheduler.contracts.NodeState;
import java.time.Instant;

/**
 * A node as the registry shows it to operators and to job-service (broadcast jobs).
 *
 * @param nodeId the agent instance
 * @param app its executor group
 * @param host where it runs
 * @param port its application's HTTP port
 * @param state ONLINE, SUSPECT or OFFLINE
 * @param capacity executions it runs at once
 * @param running executions it runs now
 * @param queued executions waiting on it
 * @param cpuLoad process CPU load 0..1, negative when unknown
 * @param heapUsedBytes heap in use
 * @param heapMaxBytes heap limit
 * @param agentVersion the agent's version
 * @param registeredAt first heartbeat
 * @param lastHeartbeatAt latest heartbeat
 * @param stateChangedAt when it entered its state
 */
public record NodeView(
    String nodeId,
    String app,
    String host,
    Integer port,
    NodeState state,
    int capacity,
    int running,
    int queued,
    Double cpuLoad,
    Long heapUsedBytes,
    Long heapMaxBytes,
    String agentVersion,
    Instant registeredAt,
    Instant lastHeartbeatAt,
    Instant stateChangedAt) {}
