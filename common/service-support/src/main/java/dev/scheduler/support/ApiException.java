package dev.scheduler.support;

import dev.scheduler.contracts.FieldViolation;
import dev.scheduler.contracts.ProblemCode;
import java.util.List;

/**
 * A failure the caller caused or can act on, answered with the problem response of its {@link
 * ProblemCode}. Thrown before anything is changed, or from inside the transaction that it rolls
 * back.
 */
public class ApiException extends RuntimeException {

  private final ProblemCode code;
  private final transient List<FieldViolation> violations;

  public ApiException(ProblemCode code, String detail) {
    this(code, detail, List.of());
  }

  public ApiException(ProblemCode code, String detail, List<FieldViolation> violations) {
    super(detail);
    this.code = code;
    this.violations = List.copyOf(violations);
  }

  /** A 404 for {@code what} (e.g. "job 42"). */
  public static ApiException notFound(String what) {
    return new ApiException(ProblemCode.NOT_FOUND, what + " does not exist");
  }

  /** A 400 listing every bad field. */
  public static ApiException invalid(List<FieldViolation> violations) {
    return new ApiException(
        ProblemCode.VALIDATION_FAILED,
        violations.size() == 1 ? "1 field is invalid" : violations.size() + " fields are invalid",
        violations);
  }

  public ProblemCode code() {
    return code;
  }

  public List<FieldViolation> violations() {
    return violations;
  }
}
