package dev.scheduler.execution.credentials;

import dev.scheduler.execution.credentials.AgentRefusals.Reason;
import dev.scheduler.support.ApiException;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Tells which app an agent request acts for, from what it sends in {@link AgentToken#HEADER}: an
 * app's credential (issued through the API, or configured by its hash) authenticates an agent of
 * that app only; the shared agent token, where one is set, an agent of any app. The credentials are
 * looked up in the {@link CredentialBook}.
 */
@Component
public class AgentAuthenticator {

  private final AgentToken sharedToken;
  private final CredentialBook book;
  private final AgentRefusals refusals;

  public AgentAuthenticator(AgentToken sharedToken, CredentialBook book, AgentRefusals refusals) {
    this.sharedToken = sharedToken;
    this.book = book;
    this.refusals = refusals;
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
    // The app a credential names is covered by its hash: one renamed to another app is unknown.
    return CredentialTokens.appOf(token)
        .flatMap(
            app ->
                book.byHash(CredentialTokens.sha256(token))
                    .filter(entry -> app.equals(entry.app()))
                    .map(entry -> new AgentPrincipal(entry.app(), entry.label())));
  }
}
