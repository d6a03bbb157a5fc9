package dev.scheduler.support;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.scheduler.contracts.FieldViolation;
import dev.scheduler.contracts.ProblemCode;
import jakarta.validation.ConstraintViolationException;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Maps every failure of a request to one problem response of the error model: our {@link
 * ApiException}s, Spring MVC's own exceptions (with the bad field named where one is known) and, as
 * a 500 that hides internals, anything else.
 */
@RestControllerAdvice
public class ProblemResponses extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ProblemDetail> api(ApiException e) {
    return respond(Problems.of(e.code(), e.getMessage(), e.violations()));
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
    return respond(
        Problems.of(
            ProblemCode.VALIDATION_FAILED,
            "1 field is invalid",
            List.of(new FieldViolation(e.getName(), "is not a valid " + typeName(e)))));
  }

  @ExceptionHandler(ConstraintViolationException.class)
  ResponseEntity<ProblemDetail> constraint(ConstraintViolationException e) {
    List<FieldViolation> violations =
        e.getConstraintViolations().stream()
            .map(v -> new FieldViolation(lastNode(v.getPropertyPath().toString()), v.getMessage()))
            .toList();
    return respond(Problems.of(ProblemCode.VALIDATION_FAILED, "request is invalid", violations));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) {
    log.error("unexpected failure", e);
    return respond(
        Problems.of(
            ProblemCode.INTERNAL_ERROR,
            "unexpected failure; the request id identifies it in the logs"));
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldViolation> violations =
        e.getBindingResult().getFieldErrors().stream()
            .map(f -> new FieldViolation(f.getField(), f.getDefaultMessage()))
            .toList();
    return new ResponseEntity<>(
        Problems.of(ProblemCode.VALIDATION_FAILED, "request is invalid", violations),
        headers,
        status);
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldViolation> violations =
        e.getParameterValidationResults().stream()
            .flatMap(
                result ->
                    result.getResolvableErrors().stream()
                        .map(
                            error ->
                                new FieldViolation(
                                    result.getMethodParameter().getParameterName(),
                                    error.getDefaultMessage())))
            .toList();
    return new ResponseEntity<>(
        Problems.of(ProblemCode.VALIDATION_FAILED, "request is invalid", violations),
        headers,
        HttpStatusCode.valueOf(400));
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ProblemDetail problem;
    if (e.getCause() instanceof UnrecognizedPropertyException unknown) {
      problem =
          Problems.of(
              ProblemCode.VALIDATION_FAILED,
              "the body has a field this endpoint does not know; nothing was changed",
              List.of(new FieldViolation(path(unknown), "is not a known field here")));
    } else if (e.getCause() instanceof JsonMappingException mapping
        && !mapping.getPath().isEmpty()) {
      String field = path(mapping);
      problem =
          Problems.of(
              ProblemCode.MALFORMED_REQUEST,
              "the body does not have the expected shape",
              List.of(new FieldViolation(field, "has a value of the wrong type or format")));
    } else {
      problem = Problems.of(ProblemCode.MALFORMED_REQUEST, "the body is not readable JSON");
    }
    return new ResponseEntity<>(problem, headers, status);
  }

  /** Every other Spring MVC exception: keep Spring's status and detail, add our fields. */
  @Override
  protected ResponseEntity<Object> createResponseEntity(
      Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    if (body instanceof ProblemDetail problem
        && (problem.getProperties() == null
            || !problem.getProperties().containsKey(ProblemCode.CODE_PROPERTY))) {
      Problems.stamp(problem, ProblemCode.forStatus(status.value()));
    }
    return super.createResponseEntity(body, headers, status, request);
  }

  private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem) {
    return ResponseEntity.status(problem.getStatus()).body(problem);
  }

  private static String path(JsonMappingException mapping) {
    return mapping.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static String lastNode(String propertyPath) {
    int dot = propertyPath.lastIndexOf('.');
    return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
  }

  private static String typeName(MethodArgumentTypeMismatchException e) {
    Class<?> type = e.getRequiredType();
    if (type == null) {
      return "value";
    }
    if (type.isEnum()) {
      return "value; one of "
          + java.util.Arrays.stream(type.getEnumConstants())
              .map(Object::toString)
              .collect(Collectors.joining(", "));
    }
    return type.getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }
}
