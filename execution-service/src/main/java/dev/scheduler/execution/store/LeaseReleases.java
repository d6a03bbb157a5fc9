package dev.scheduler.execution.store;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Gives up execution leases, each only if the node that asks still holds it for that attempt: the
 * one statement both the ingest (an outcome that says the handler is done) and the agents' renewals
 * (leases they give up) release with.
 */
public final class LeaseReleases {

  private LeaseReleases() {}

  /**
   * A lease to give up.
   *
   * @param executionId the execution
   * @param nodeId the node that holds it
   * @param attempt the attempt it was granted for
   */
  public record Release(String executionId, String nodeId, int attempt) {}

  /** Releases {@code releases} in one batch; the caller orders them as it locks rows. */
  public static void apply(JdbcTemplate jdbc, List<Release> releases) {
    if (releases.isEmpty()) {
      return;
    }
    jdbc.batchUpdate(
        "UPDATE scheduler_job_execution SET lease_node = NULL, lease_until = NULL"
            + " WHERE execution_id = ? AND lease_node = ? AND lease_attempt = ?",
        releases,
        500,
        (ps, r) -> {
          ps.setString(1, r.executionId());
          ps.setString(2, r.nodeId());
          ps.setInt(3, r.attempt());
        });
  }
}
