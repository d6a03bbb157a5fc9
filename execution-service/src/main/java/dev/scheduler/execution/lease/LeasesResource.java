package dev.scheduler.execution.lease;

import dev.scheduler.contracts.ConsumerGroups;
import dev.scheduler.contracts.FieldViolation;
import dev.scheduler.contracts.Ids;
import dev.scheduler.contracts.LeaseClaims;
import dev.scheduler.contracts.LeaseGrants;
import dev.scheduler.execution.nodes.AgentToken;
import dev.scheduler.support.ApiException;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where agents claim the leases of the fire events they take ({@code POST /agent/v1/leases}, with
 * the agent token): an agent runs an attempt only under a granted lease.
 */
@Hidden // the agents' endpoint, inside the cluster only: not in the public API description
@RestController
class LeasesResource {

  private final LeaseDesk desk;
  private final AgentToken agentToken;

  LeasesResource(LeaseDesk desk, AgentToken agentToken) {
    this.desk = desk;
    this.agentToken = agentToken;
  }

  @PostMapping("/agent/v1/leases")
  LeaseGrants claim(
      @RequestHeader(name = AgentToken.HEADER, required = false) String token,
      @RequestBody LeaseClaims claims) {
    agentToken.check(token);
    validate(claims);
    return desk.claim(claims);
  }

  private static void validate(LeaseClaims request) {
    List<FieldViolation> violations = new ArrayList<>();
    if (request.nodeId() == null || request.nodeId().isBlank() || request.nodeId().length() > 128) {
      violations.add(new FieldViolation("nodeId", "must be 1 to 128 characters"));
    }
    if (request.app() == null || !ConsumerGroups.APP_NAME.matcher(request.app()).matches()) {
      violations.add(new FieldViolation("app", "must match " + ConsumerGroups.APP_NAME.pattern()));
    }
    if (request.claims().isEmpty() || request.claims().size() > LeaseClaims.MAX_CLAIMS) {
      violations.add(
          new FieldViolation("claims", "must hold 1 to " + LeaseClaims.MAX_CLAIMS + " claims"));
    } else {
      for (int i = 0; i < request.claims().size(); i++) {
        checkClaim("claims[" + i + "]", request.claims().get(i), violations);
      }
    }
    if (!violations.isEmpty()) {
      throw ApiException.invalid(violations);
    }
  }

  private static void checkClaim(
      String path, LeaseClaims.Claim claim, List<FieldViolation> violations) {
    if (claim.attempt() < 1) {
      violations.add(new FieldViolation(path + ".attempt", "must be 1 or more"));
    }
    if (claim.executionId().length() > 96) {
      violations.add(new FieldViolation(path + ".executionId", "must be at most 96 characters"));
      return;
    }
    try {
      Ids.ExecutionIdParts parts = Ids.parseExecutionId(claim.executionId());
      if (parts.jobId() != claim.jobId()) {
        violations.add(
            new FieldViolation(path + ".jobId", "must be the job the execution id names"));
      }
    } catch (IllegalArgumentException e) {
      violations.add(new FieldViolation(path + ".executionId", e.getMessage()));
    }
  }
}
