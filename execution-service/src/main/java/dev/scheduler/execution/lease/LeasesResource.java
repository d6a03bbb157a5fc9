package dev.scheduler.execution.lease;

import dev.scheduler.contracts.ConsumerGroups;
import dev.scheduler.contracts.FieldViolation;
import dev.scheduler.contracts.HeldLease;
import dev.scheduler.contracts.Ids;
import dev.scheduler.contracts.LeaseClaims;
import dev.scheduler.contracts.LeaseGrants;
import dev.scheduler.contracts.LeaseRenewal;
import dev.scheduler.contracts.LeaseRenewalReply;
import dev.scheduler.execution.credentials.AgentAuthenticator;
import dev.scheduler.execution.credentials.AgentPrincipal;
import dev.scheduler.execution.credentials.AgentToken;
import dev.scheduler.execution.nodes.AgentScope;
import dev.scheduler.support.ApiException;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where agents claim the leases of the fire events they take ({@code POST /agent/v1/leases}) and
 * renew and give up the leases they hold ({@code POST /agent/v1/leases/renewals}, with every
 * heartbeat), with its app's credential: an agent runs an attempt only under a granted lease, and
 * claims, renews and gives up leases only of its own app's executions and nodes.
 */
@Hidden // the agents' endpoint, inside the cluster only: not in the public API description
@RestController
class LeasesResource {

  private final LeaseDesk desk;
  private final LeaseRenewals renewals;
  private final AgentAuthenticator authenticator;
  private final AgentScope scope;

  LeasesResource(
      LeaseDesk desk, LeaseRenewals renewals, AgentAuthenticator authenticator, AgentScope scope) {
    this.desk = desk;
    this.renewals = renewals;
    this.authenticator = authenticator;
    this.scope = scope;
  }

  @PostMapping("/agent/v1/leases")
  LeaseGrants claim(
      @RequestHeader(name = AgentToken.HEADER, required = false) String token,
      @RequestBody LeaseClaims claims) {
    AgentPrincipal principal = authenticator.authenticate(token, claims.app(), "claim");
    validate(claims);
    // Claims of another app's executions are not granted (LeaseRules): only the node is checked.
    scope.requireNode(principal, claims.nodeId(), "claim");
    return desk.claim(claims);
  }

  @PostMapping("/agent/v1/leases/renewals")
  LeaseRenewalReply renew(
      @RequestHeader(name = AgentToken.HEADER, required = false) String token,
      @RequestBody LeaseRenewal renewal) {
    AgentPrincipal principal = authenticator.authenticate(token, renewal.app(), "renew");
    validate(renewal);
    scope.requireNode(principal, renewal.nodeId(), "renew");
    scope.requireExecutions(
        principal,
        Stream.concat(renewal.renew().stream(), renewal.release().stream())
            .map(HeldLease::executionId)
            .toList(),
        "renew");
    return renewals.renew(renewal.nodeId(), renewal.renew(), renewal.release());
  }

  private static void validate(LeaseRenewal renewal) {
    List<FieldViolation> violations = new ArrayList<>();
    checkAgent(renewal.nodeId(), renewal.app(), violations);
    checkLeases("renew", renewal.renew(), violations);
    checkLeases("release", renewal.release(), violations);
    if (!violations.isEmpty()) {
      throw ApiException.invalid(violations);
    }
  }

  private static void checkLeases(
      String field, List<HeldLease> leases, List<FieldViolation> violations) {
    if (leases.size() > LeaseRenewal.MAX_LEASES) {
      violations.add(
          new FieldViolation(field, "must name at most " + LeaseRenewal.MAX_LEASES + " leases"));
      return;
    }
    for (int i = 0; i < leases.size(); i++) {
      HeldLease lease = leases.get(i);
      if (lease.executionId().isEmpty() || lease.executionId().length() > 96) {
        violations.add(
            new FieldViolation(field + "[" + i + "].executionId", "must be 1 to 96 characters"));
      }
      if (lease.attempt() < 1) {
        violations.add(new FieldViolation(field + "[" + i + "].attempt", "must be 1 or more"));
      }
    }
  }

  private static void checkAgent(String nodeId, String app, List<FieldViolation> violations) {
    if (nodeId == null || nodeId.isBlank() || nodeId.length() > 128) {
      violations.add(new FieldViolation("nodeId", "must be 1 to 128 characters"));
    }
    if (app == null || !ConsumerGroups.APP_NAME.matcher(app).matches()) {
      violations.add(new FieldViolation("app", "must match " + ConsumerGroups.APP_NAME.pattern()));
    }
  }

  private static void validate(LeaseClaims request) {
    List<FieldViolation> violations = new ArrayList<>();
    checkAgent(request.nodeId(), request.app(), violations);
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
