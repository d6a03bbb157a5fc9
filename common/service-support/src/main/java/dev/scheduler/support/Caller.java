package dev.scheduler.support;

import dev.scheduler.contracts.Headers;
import dev.scheduler.identity.CallerIdentity;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Who makes the current request, as the gateway vouches for in {@link Headers#CALLER}. Requests
 * that did not pass the gateway (internal calls, tests) are made by {@code unknown}.
 *
 * @param name the caller's name or API key name
 * @param role the caller's role, {@code unknown} when the header is absent
 * @param requestId the request id, for audit records
 */
public record Caller(String name, String role, String requestId) {

  /**
   * The caller of {@code request}: its checked signed identity when the service takes those (see
   * {@link CallerIdentities}), else the gateway's caller headers.
   */
  public static Caller of(HttpServletRequest request) {
    if (request.getAttribute(CallerIdentities.ATTRIBUTE) instanceof CallerIdentity identity) {
      return new Caller(
          identity.caller(),
          identity.role() == null ? "unknown" : identity.role(),
          RequestIds.current());
    }
    return new Caller(
        headerOr(request, Headers.CALLER, "unknown"),
        headerOr(request, Headers.CALLER_ROLE, "unknown"),
        RequestIds.current());
  }

  private static String headerOr(HttpServletRequest request, String header, String fallback) {
    String value = request.getHeader(header);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return value.length() > 128 ? value.substring(0, 128) : value;
  }
}
