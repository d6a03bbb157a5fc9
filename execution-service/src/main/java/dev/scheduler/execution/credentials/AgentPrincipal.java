package dev.scheduler.execution.credentials;

/**
 * Who an agent request comes from, as its credential proves.
 *
 * @param app the app the credential serves; {@code null} for the shared agent token, which serves
 *     every app
 * @param credential what it authenticated with, for audit records: {@code credential <id>}, {@code
 *     configured credential} or {@code shared token}
 */
public record AgentPrincipal(String app, String credential) {

  /** Whether it may act as an agent of {@code app}. */
  public boolean mayActFor(String app) {
    return this.app == null || this.app.equals(app);
  }

  /** Its app, or {@code *} for the shared token. */
  public String appOrAll() {
    return app == null ? "*" : app;
  }
}
