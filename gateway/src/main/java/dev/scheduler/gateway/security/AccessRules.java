package dev.scheduler.gateway.security;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.http.HttpMethod;

/**
 * Which role a request through the gateway needs, by method and path. Reads need VIEWER; the
 * operator's actions (trigger, pause, resume, retry, cancel, acknowledge and resolve alerts) need
 * OPERATOR; anything else that changes something needs ADMIN, and so does every request about the
 * apps' agent credentials, reads included. The agents' own endpoints are not reachable through the
 * gateway at all.
 */
public final class AccessRules {

  private static final List<Pattern> OPERATOR_ACTIONS =
      List.of(
          Pattern.compile("/api/v1/jobs/[^/]+/(trigger|pause|resume)/?"),
          Pattern.compile("/api/v1/executions/[^/]+/(retry|cancel)/?"),
          Pattern.compile("/api/v1/alerts/[^/]+/(acknowledge|resolve)/?"));

  /** Computations that change nothing although they are POSTed (a schedule's preview). */
  private static final List<Pattern> READS_BY_POST =
      List.of(Pattern.compile("/api/v1/jobs/preview/?"));

  /** Where even reads need ADMIN: the agent credentials and the refused agent requests. */
  private static final Pattern ADMIN_ONLY = Pattern.compile("/api/v1/agent-credentials(/.*)?");

  private AccessRules() {}

  /**
   * Whether the gateway serves the path at all: the agents' endpoints ({@code /agent/**}:
   * heartbeats, leases, leaving the registry) it does not.
   */
  public static boolean routed(String path) {
    return !path.equals("/agent") && !path.startsWith("/agent/");
  }

  /** The least role that may send this request; empty for a path outside the API. */
  public static Optional<Role> required(HttpMethod method, String path) {
    if (!path.startsWith("/api/")) {
      return Optional.empty();
    }
    if (ADMIN_ONLY.matcher(path).matches()) {
      return Optional.of(Role.ADMIN);
    }
    if (HttpMethod.GET.equals(method)
        || HttpMethod.HEAD.equals(method)
        || HttpMethod.OPTIONS.equals(method)) {
      return Optional.of(Role.VIEWER);
    }
    if (HttpMethod.POST.equals(method)) {
      if (READS_BY_POST.stream().anyMatch(p -> p.matcher(path).matches())) {
        return Optional.of(Role.VIEWER);
      }
      if (OPERATOR_ACTIONS.stream().anyMatch(p -> p.matcher(path).matches())) {
        return Optional.of(Role.OPERATOR);
      }
    }
    return Optional.of(Role.ADMIN);
  }
}
