package dev.scheduler.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Objects;

/**
 * An agent instance's periodic report of its liveness and load, posted to execution-service's node
 * registry.
 *
 * @param schemaVersion {@link Contracts#SCHEMA_VERSION} of the writer
 * @param nodeId unique per agent instance (stable for the life of the process)
 * @param app the executor group the instance belongs to
 * @param host address other parts of the platform see it at (the pod IP in Kubernetes)
 * @param port the host application's HTTP port, 0 if it has none
 * @param capacity most executions it runs at once
 * @param running executions running now
 * @param queued executions accepted and waiting for a worker
 * @param cpuLoad the process's recent CPU load between 0 and 1, negative when unknown
 * @param heapUsedBytes used heap
 * @param heapMaxBytes maximum heap
 * @param agentVersion version of the agent starter
 * @param time when the agent sent it, UTC
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Heartbeat(
    int schemaVersion,
    String nodeId,
    String app,
    String host,
    int port,
    int capacity,
    int running,
    int queued,
    double cpuLoad,
    long heapUsedBytes,
    long heapMaxBytes,
    String agentVersion,
    Instant time) {

  public Heartbeat {
    schemaVersion = Contracts.versionOrCurrent(schemaVersion);
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(time, "time");
  }
}
