package dev.scheduler.support;

import dev.scheduler.contracts.Headers;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an id: the one the gateway passed in {@link Headers#REQUEST_ID}, or a new
 * one. It is in the logging context ({@code requestId}) while the request runs, in the response
 * header and in problem responses.
 */
public class RequestIds extends OncePerRequestFilter {

  /** Name of the logging context key. */
  public static final String MDC_KEY = "requestId";

  /** The id of the request the current thread serves, or null outside a request. */
  public static String current() {
    return MDC.get(MDC_KEY);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String id = Headers.requestIdOr(request.getHeader(Headers.REQUEST_ID));
    MDC.put(MDC_KEY, id);
    response.setHeader(Headers.REQUEST_ID, id);
    try {
      chain.doFilter(request, response);
    } finally {
      MDC.remove(MDC_KEY);
    }
  }
}
