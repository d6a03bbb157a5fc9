package dev.scheduler.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Objects;

/**
 * Published by execution-service on {@link Topics#NODE_STATE} when a node moves between states.
 *
 * @param schemaVersion {@link Contracts#SCHEMA_VERSION} of the writer
 * @param nodeId the agent instance
 * @param app its executor group
 * @param from the previous state, null for a node seen the first time
 * @param to the new state
 * @param time when the registry decided the change, UTC
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeStateChanged(
    int schemaVersion, String nodeId, String app, NodeState from, NodeState to, Instant time) {

  public NodeStateChanged {
    schemaVersion = Contracts.versionOrCurrent(schemaVersion);
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(time, "time");
  }
}
