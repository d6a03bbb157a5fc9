package dev.scheduler.execution.credentials;

import dev.scheduler.contracts.ConsumerGroups;
import dev.scheduler.contracts.FieldViolation;
import dev.scheduler.contracts.ProblemCode;
import dev.scheduler.support.ApiException;
import dev.scheduler.support.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Each app's agent credentials, for admins: issue one (the credential is in the answer, once, and
 * never again), list them, revoke one. Rotation is issuing a new one, handing it to the app's
 * agents, and revoking the old one; both serve in between. Also the refused agent requests.
 */
@RestController
@RequestMapping("/api/v1/agent-credentials")
public class AgentCredentialsResource {

  private static final String ADMIN = "ADMIN";

  private final CredentialStore store;
  private final CredentialBook book;
  private final AgentRefusals refusals;
  private final Clock clock;

  public AgentCredentialsResource(
      CredentialStore store, CredentialBook book, AgentRefusals refusals, Clock clock) {
    this.store = store;
    this.book = book;
    this.refusals = refusals;
    this.clock = clock;
  }

  /**
   * What to issue.
   *
   * @param app the app whose agents it authenticates
   * @param label what it is for (e.g. the deployment it goes to), up to 128 characters
   */
  public record IssueRequest(String app, String label) {}

  /**
   * An issued credential.
   *
   * @param credential what the app's agents send in {@code X-Scheduler-Agent-Token} (setting {@code
   *     scheduler.agent.registry.token}); shown this once only
   * @param view what is kept of it
   */
  public record Issued(String credential, AgentCredentialView view) {}

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  public Issued issue(@RequestBody IssueRequest body, HttpServletRequest request) {
    Caller caller = requireAdmin(request);
    List<FieldViolation> violations = new ArrayList<>();
    if (body.app() == null || !ConsumerGroups.APP_NAME.matcher(body.app()).matches()) {
      violations.add(new FieldViolation("app", "must match " + ConsumerGroups.APP_NAME.pattern()));
    }
    String label = body.label() == null ? "" : body.label().strip();
    if (label.length() > 128) {
      violations.add(new FieldViolation("label", "must be at most 128 characters"));
    }
    if (!violations.isEmpty()) {
      throw ApiException.invalid(violations);
    }
    String credential = CredentialTokens.issue(body.app());
    Instant now = clock.instant();
    long id =
        store.insert(body.app(), label, CredentialTokens.sha256(credential), caller.name(), now);
    book.refresh();
    return new Issued(
        credential, new AgentCredentialView(id, body.app(), label, now, caller.name(), null, null));
  }

  @GetMapping
  public List<AgentCredentialView> list(
      @RequestParam(required = false) String app, HttpServletRequest request) {
    requireAdmin(request);
    return store.list(app);
  }

  /**
   * Revokes it: its agents are refused at once by this replica, by the others once they have read
   * the credentials again ({@code cache-for}).
   */
  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  public void revoke(@PathVariable long id, HttpServletRequest request) {
    Caller caller = requireAdmin(request);
    AgentCredentialView view =
        store.find(id).orElseThrow(() -> ApiException.notFound("agent credential " + id));
    if (view.revokedAt() == null) {
      store.revoke(id, caller.name(), clock.instant());
      book.refresh();
    }
  }

  /** Agent requests refused since {@code since} (an ISO-8601 instant; default the last hour). */
  @GetMapping("/refusals")
  public List<AgentRefusalView> refusals(
      @RequestParam(required = false) String since,
      @RequestParam(required = false) String app,
      HttpServletRequest request) {
    requireAdmin(request);
    Instant from;
    try {
      from = since == null ? clock.instant().minus(Duration.ofHours(1)) : Instant.parse(since);
    } catch (DateTimeParseException e) {
      throw ApiException.invalid(
          List.of(new FieldViolation("since", "must be an ISO-8601 instant")));
    }
    return refusals.since(from, app);
  }

  /**
   * Credentials are the admins' alone, on top of the gateway's rule: a service port reached past
   * the gateway does not issue them to whoever names no role.
   */
  private static Caller requireAdmin(HttpServletRequest request) {
    Caller caller = Caller.of(request);
    if (!ADMIN.equals(caller.role())) {
      throw new ApiException(
          ProblemCode.FORBIDDEN, "agent credentials are for callers with role ADMIN");
    }
    return caller;
  }
}
