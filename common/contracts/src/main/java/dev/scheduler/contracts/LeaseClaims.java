package dev.scheduler.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Objects;

/**
 * An agent asking execution-service for the leases of fire events it took from the broker, before
 * it runs or queues them ({@code POST /agent/v1/leases}). Only a granted lease lets an attempt run:
 * the lease, kept in execution-service's database, is what makes an attempt run on one node at a
 * time and never again under the same attempt.
 *
 * @param nodeId the asking agent instance
 * @param app its executor group
 * @param claims the attempts it asks for, at most {@link #MAX_CLAIMS}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LeaseClaims(String nodeId, String app, List<Claim> claims) {

  /** Most claims in one request. */
  public static final int MAX_CLAIMS = 512;

  public LeaseClaims {
    claims = claims == null ? List.of() : List.copyOf(claims);
  }

  /**
   * One attempt asked for.
   *
   * @param executionId the execution, {@code <jobId>-<due ms>-<shard>}
   * @param jobId its job
   * @param attempt the attempt the fire event is for
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Claim(String executionId, long jobId, int attempt) {
    public Claim {
      Objects.requireNonNull(executionId, "executionId");
    }

    /** The claim of the attempt {@code fire} is for. */
    public static Claim of(FireEvent fire) {
      return new Claim(fire.executionId(), fire.jobId(), fire.attempt());
    }
  }
}
