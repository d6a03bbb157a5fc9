package dev.scheduler.execution.credentials;

import dev.scheduler.execution.credentials.AgentRefusals.Reason;
import dev.scheduler.support.ApiException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Tells which app an agent request acts for, from what it sends in {@link AgentToken#HEADER}: an
 * app's credential (issued through the API, or configured by its hash) authenticates an agent of
 * that app only; the shared agent token, where one is set, an agent of any app. Checked credentials
 * are kept for {@link AgentCredentialProperties#cacheFor()}, so heartbeats do not ask the database
 * each time; a revoked credential is refused once that has passed.
 */
@Component
public class AgentAuthenticator {

  private static final int MAX_CACHED = 10_000;
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

  private final AgentToken sharedToken;
  private final CredentialStore store;
  private final AgentRefusals refusals;
  private final Set<String> configured;
  private final long cacheNanos;
  private final Map<String, Cached> checked = new ConcurrentHashMap<>();

  public AgentAuthenticator(
      AgentToken sharedToken,
      CredentialStore store,
      AgentRefusals refusals,
      AgentCredentialProperties properties) {
    this.sharedToken = sharedToken;
    this.store = store;
    this.refusals = refusals;
    this.configured =
        properties.hashes().stream()
            .map(String::trim)
            .filter(h -> !h.isEmpty())
            .map(String::toLowerCase)
            .peek(AgentAuthenticator::checkHash)
            .collect(Collectors.toUnmodifiableSet());
    this.cacheNanos = properties.cacheFor().toNanos();
  }

  /**
   * The principal of an agent that sent {@code token} to act for {@code app}.
   *
   * @throws ApiException 401 when the token proves nothing, 403 when it serves another app; both
   *     recorded by {@link AgentRefusals}
   */
  public AgentPrincipal authenticate(String token, String app, String action) {
    AgentPrincipal principal =
        principalOf(token)
            .orElseThrow(
                () ->
                    refusals.refuse(
                        app == null ? "?" : app,
                        action,
                        Reason.UNAUTHENTICATED,
                        "a valid agent credential is required in " + AgentToken.HEADER));
    if (app != null && !principal.mayActFor(app)) {
      throw refusals.refuse(
          app,
          action,
          Reason.OTHER_APP,
          "the credential serves app " + principal.app() + ", not " + app);
    }
    return principal;
  }

  private Optional<AgentPrincipal> principalOf(String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    if (sharedToken.matches(token)) {
      return Optional.of(new AgentPrincipal(null, "shared token"));
    }
    Optional<String> app = CredentialTokens.appOf(token);
    if (app.isEmpty()) {
      return Optional.empty();
    }
    String hash = CredentialTokens.sha256(token);
    if (configured.contains(hash)) {
      return Optional.of(new AgentPrincipal(app.get(), "configured credential"));
    }
    long now = System.nanoTime();
    Cached cached = checked.get(hash);
    if (cached != null && now - cached.at() < cacheNanos) {
      return Optional.of(cached.principal());
    }
    Optional<AgentPrincipal> found =
        store
            .findActive(hash)
            .filter(view -> view.app().equals(app.get()))
            .map(view -> new AgentPrincipal(view.app(), "credential " + view.id()));
    if (found.isPresent()) {
      if (checked.size() >= MAX_CACHED) {
        checked.clear();
      }
      checked.put(hash, new Cached(found.get(), now));
    } else {
      checked.remove(hash);
    }
    return found;
  }

  /** A placeholder left in place of a hash fails the start rather than serve nobody unnoticed. */
  private static void checkHash(String hash) {
    if (!HASH.matcher(hash).matches()) {
      throw new IllegalStateException(
          "scheduler.execution.agent-credentials.hashes (SCHEDULER_AGENT_CREDENTIAL_HASHES) must"
              + " hold SHA-256 hashes of 64 hex digits, comma-separated; one is '"
              + (hash.length() > 12 ? hash.substring(0, 12) + "…" : hash)
              + "'");
    }
  }

  private record Cached(AgentPrincipal principal, long at) {}
}
