package dev.scheduler.contracts;

import java.util.UUID;
import java.util.regex.Pattern;

/** HTTP headers the gateway and the services agree on. */
public final class Headers {

  /** A client's API key, checked by the gateway (never passed on to the services). */
  public static final String API_KEY = "X-Api-Key";

  /** Correlates one request across the gateway, the services and their logs. */
  public static final String REQUEST_ID = "X-Request-Id";

  /**
   * The authenticated caller, set by the gateway after it has checked the credentials; the gateway
   * removes any such header a client sends.
   */
  public static final String CALLER = "X-Scheduler-Caller";

  /** The authenticated caller's role (VIEWER, OPERATOR, ADMIN), set like {@link #CALLER}. */
  public static final String CALLER_ROLE = "X-Scheduler-Caller-Role";

  private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private Headers() {}

  /**
   * The request id to use for a request that came with {@code given}: the given one when it is
   * short and plain (letters, digits, {@code . _ : -}, at most 64), else a new random one, so that
   * no client can write into the logs through it.
   */
  public static String requestIdOr(String given) {
    return given != null && SAFE_REQUEST_ID.matcher(given).matches()
        ? given
        : UUID.randomUUID().toString();
  }
}
