package dev.scheduler.support;

import dev.scheduler.contracts.ProblemCode;
import dev.scheduler.identity.CallerIdentity;
import dev.scheduler.identity.IdentitySigner;
import dev.scheduler.identity.IdentityVerifier;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets an {@code /api/**} request in only with a signed identity meant for this service ({@link
 * IdentityVerifier}), and makes that identity the request's {@link Caller}: a request straight to
 * the service's port, with or without forged caller headers, gets a 401 problem. The agents'
 * endpoints ({@code /agent/**}), health and the API description have checks of their own or need
 * none.
 */
public class CallerIdentities extends OncePerRequestFilter {

  /** The request attribute that holds the checked {@link CallerIdentity}. */
  public static final String ATTRIBUTE = CallerIdentities.class.getName() + ".identity";

  private static final Logger log = LoggerFactory.getLogger(CallerIdentities.class);

  private final IdentityVerifier verifier;

  public CallerIdentities(IdentityVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return !path.startsWith("/api/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    CallerIdentity identity;
    try {
      identity = verifier.verify(request.getHeader(IdentitySigner.HEADER));
    } catch (IdentityVerifier.InvalidIdentityException e) {
      log.warn(
          "refused {} {} from {}: {}",
          request.getMethod(),
          request.getRequestURI(),
          request.getRemoteAddr(),
          e.getMessage());
      response.setStatus(ProblemCode.UNAUTHENTICATED.status());
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      response
          .getWriter()
          .write(
              Problems.toJson(
                  Problems.of(
                      ProblemCode.UNAUTHENTICATED,
                      e.getMessage() + "; this API is served through the gateway")));
      return;
    }
    request.setAttribute(ATTRIBUTE, identity);
    chain.doFilter(request, response);
  }
}
