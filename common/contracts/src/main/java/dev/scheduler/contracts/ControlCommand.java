package dev.scheduler.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Objects;

/**
 * An operator's order to the agents of an app, on {@link Topics#CONTROL} (tag: the app), received
 * by every instance of the app; the one running the execution acts on it, the others ignore it.
 *
 * @param schemaVersion {@link Contracts#SCHEMA_VERSION} of the writer
 * @param type what to do; null when a newer writer sent a command this reader does not know
 * @param executionId the execution it is about
 * @param attempt the attempt it is about; 0 means whichever attempt runs
 * @param app the executor group
 * @param nodeId the node believed to run it, null if unknown
 * @param requestedBy who asked, from the caller's identity
 * @param reason free text shown in the execution's log
 * @param time when it was asked, UTC
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ControlCommand(
    int schemaVersion,
    Type type,
    String executionId,
    int attempt,
    String app,
    String nodeId,
    String requestedBy,
    String reason,
    Instant time) {

  /** The commands agents understand. */
  public enum Type {
    /** Interrupt the handler and report CANCELLED. */
    CANCEL
  }

  public ControlCommand {
    schemaVersion = Contracts.versionOrCurrent(schemaVersion);
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(time, "time");
    attempt = Math.max(0, attempt);
  }
}
