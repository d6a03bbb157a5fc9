package dev.scheduler.contracts;

/** HTTP headers the gateway and the services agree on. */
public final class Headers {

  /** Correlates one request across the gateway, the services and their logs. */
  public static final String REQUEST_ID = "X-Request-Id";

  /**
   * The authenticated caller, set by the gateway after it has checked the credentials; the gateway
   * removes any such header a client sends.
   */
  public static final String CALLER = "X-Scheduler-Caller";

  /** The authenticated caller's role (VIEWER, OPERATOR, ADMIN), set like {@link #CALLER}. */
  public static final String CALLER_ROLE = "X-Scheduler-Caller-Role";

  private Headers() {}
}
