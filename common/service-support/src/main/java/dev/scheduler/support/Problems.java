package dev.scheduler.support;

import dev.scheduler.contracts.FieldViolation;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.ProblemCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds the RFC 9457 problem responses of the error model described in {@link ProblemCode}. */
public final class Problems {

  private Problems() {}

  /** A problem of {@code code} with a human-readable detail. */
  public static ProblemDetail of(ProblemCode code, String detail) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(code.status()), detail);
    return stamp(problem, code);
  }

  /** A problem of {@code code} listing the bad fields. */
  public static ProblemDetail of(ProblemCode code, String detail, List<FieldViolation> violations) {
    ProblemDetail problem = of(code, detail);
    if (!violations.isEmpty()) {
      problem.setProperty(ProblemCode.ERRORS_PROPERTY, violations);
    }
    return problem;
  }

  /** Adds type, title, code and request id to a problem Spring built. */
  static ProblemDetail stamp(ProblemDetail problem, ProblemCode code) {
    problem.setType(code.type());
    problem.setTitle(code.title());
    problem.setProperty(ProblemCode.CODE_PROPERTY, code.name());
    String requestId = RequestIds.current();
    if (requestId != null) {
      problem.setProperty(ProblemCode.REQUEST_ID_PROPERTY, requestId);
    }
    return problem;
  }

  /** The JSON body of {@code problem}, for code that writes responses outside Spring MVC. */
  static String toJson(ProblemDetail problem) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", problem.getType());
    body.put("title", problem.getTitle());
    body.put("status", problem.getStatus());
    body.put("detail", problem.getDetail());
    if (problem.getProperties() != null) {
      body.putAll(problem.getProperties());
    }
    return Json.toJson(body);
  }
}
