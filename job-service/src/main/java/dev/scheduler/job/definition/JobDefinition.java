package dev.scheduler.job.definition;

import java.time.Instant;

/**
 * A stored job.
 *
 * @param id its id
 * @param spec what the operator defined
 * @param status its lifecycle state
 * @param version incremented by every change; updates must name the version they are based on
 * @param createdAt when it was created
 * @param createdBy who created it
 * @param updatedAt when it last changed
 * @param updatedBy who changed it last
 */
public record JobDefinition(
    long id,
    JobSpec spec,
    JobStatus status,
    long version,
    Instant createdAt,
    String createdBy,
    Instant updatedAt,
    String updatedBy) {

  /** Whether the scheduler should fire it. */
  public boolean scheduled() {
    return status == JobStatus.ACTIVE && spec.schedule().firesByItself();
  }
}
