package dev.scheduler.contracts;

import java.net.URI;
import java.util.Locale;

/**
 * The error model of every REST API: each failure is an RFC 9457 problem response whose {@code
 * type} is {@link #type()}, whose {@code status} is {@link #status()} and which carries {@link
 * #name()} in a {@code code} property; validation failures list a {@link FieldViolation} per bad
 * field in an {@code errors} property.
 */
public enum ProblemCode {
  /** One or more fields are invalid; nothing was changed. */
  VALIDATION_FAILED(400, "Invalid request"),
  /** The body is not readable JSON of the expected shape. */
  MALFORMED_REQUEST(400, "Malformed request"),
  /** No valid credentials. */
  UNAUTHENTICATED(401, "Authentication required"),
  /** The caller's role may not do this. */
  FORBIDDEN(403, "Not allowed"),
  /** The resource does not exist (or was deleted). */
  NOT_FOUND(404, "Not found"),
  /** The resource does not support this HTTP method. */
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  /** The update was based on a stale version; nothing was changed. */
  VERSION_CONFLICT(409, "Version conflict"),
  /** A resource with the same unique name exists. */
  ALREADY_EXISTS(409, "Already exists"),
  /** The resource's state does not allow the operation. */
  STATE_CONFLICT(409, "Not allowed in the current state"),
  /** The request body is larger than allowed. */
  PAYLOAD_TOO_LARGE(413, "Payload too large"),
  /** The request body is not JSON. */
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
  /** Too many requests for the caller's limit; see Retry-After. */
  RATE_LIMITED(429, "Too many requests"),
  /** An unexpected failure; the request id identifies it in the logs. */
  INTERNAL_ERROR(500, "Internal error"),
  /** A service behind the gateway is down, slow or its circuit is open. */
  SERVICE_UNAVAILABLE(503, "Service unavailable");

  /** Name of the problem property that carries the code. */
  public static final String CODE_PROPERTY = "code";

  /** Name of the problem property that lists the {@link FieldViolation}s. */
  public static final String ERRORS_PROPERTY = "errors";

  /** Name of the problem property that carries the request id. */
  public static final String REQUEST_ID_PROPERTY = "requestId";

  private static final String TYPE_PREFIX = "urn:scheduler:problem:";

  private final int status;
  private final String title;

  ProblemCode(int status, String title) {
    this.status = status;
    this.title = title;
  }

  /** HTTP status of the response. */
  public int status() {
    return status;
  }

  /** Short, stable, human-readable summary. */
  public String title() {
    return title;
  }

  /** The code of a status without a more precise one. */
  public static ProblemCode forStatus(int status) {
    for (ProblemCode code : values()) {
      if (code.status == status) {
        return code;
      }
    }
    return status >= 500 ? INTERNAL_ERROR : MALFORMED_REQUEST;
  }

  /** Stable problem type URI, e.g. {@code urn:scheduler:problem:validation-failed}. */
  public URI type() {
    return URI.create(TYPE_PREFIX + name().toLowerCase(Locale.ROOT).replace('_', '-'));
  }
}
