package dev.scheduler.support;

import dev.scheduler.contracts.ProblemCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over a bound with a 413 problem before anything reads them: bounded input,
 * whatever the endpoint.
 */
public class BodySizeLimit extends OncePerRequestFilter {

  private final long maxBytes;

  public BodySizeLimit(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long length = request.getContentLengthLong();
    if (length > maxBytes
        || (length < 0 && "chunked".equalsIgnoreCase(request.getHeader("Transfer-Encoding")))) {
      ProblemDetail problem =
          Problems.of(
              ProblemCode.PAYLOAD_TOO_LARGE,
              "request bodies are limited to " + maxBytes + " bytes with a Content-Length");
      response.setStatus(ProblemCode.PAYLOAD_TOO_LARGE.status());
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      response.getWriter().write(Problems.toJson(problem));
      return;
    }
    chain.doFilter(request, response);
  }
}
