package dev.scheduler.execution.api;

import dev.scheduler.contracts.FieldViolation;
import dev.scheduler.execution.PagedQuery;
import dev.scheduler.execution.state.ExecutionStatus;
import dev.scheduler.support.ApiException;
import dev.scheduler.support.Caller;
import dev.scheduler.support.PageResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Executions for operators: list, detail with attempts, log, retry, cancel, per-job summary. */
@RestController
@RequestMapping("/api/v1/executions")
public class ExecutionsResource {

  static final int MAX_PAGE_SIZE = 200;
  static final int MAX_LOG_LINES = 1000;
  static final Duration MAX_WINDOW = Duration.ofDays(31);

  private final ExecutionQueries queries;
  private final ExecutionCommands commands;
  private final Clock clock;

  public ExecutionsResource(ExecutionQueries queries, ExecutionCommands commands, Clock clock) {
    this.queries = queries;
    this.commands = commands;
    this.clock = clock;
  }

  @GetMapping
  public PageResponse<ExecutionView> list(
      @RequestParam(required = false) String jobId,
      @RequestParam(required = false) String app,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String nodeId,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    List<FieldViolation> violations = new ArrayList<>();
    Long job = parse(jobId, "jobId", Long::valueOf, "must be a job id", violations);
    String state =
        parse(
            status,
            "status",
            s -> ExecutionStatus.valueOf(s).name(),
            "must be one of " + List.of(ExecutionStatus.values()),
            violations);
    Instant since = parse(from, "from", Instant::parse, "must be an ISO-8601 instant", violations);
    Instant until = parse(to, "to", Instant::parse, "must be an ISO-8601 instant", violations);
    if (since != null && until != null && !since.isBefore(until)) {
      violations.add(new FieldViolation("to", "must be after from"));
    }
    PagedQuery.checkPaging(page, size, MAX_PAGE_SIZE, violations);
    throwIfAny(violations);
    return queries.list(
        new ExecutionQueries.Filter(job, app, state, nodeId, since, until), page, size);
  }

  @GetMapping("/{executionId}")
  public ExecutionView get(@PathVariable String executionId) {
    return queries
        .find(executionId)
        .orElseThrow(() -> ApiException.notFound("execution " + executionId));
  }

  /**
   * An attempt's log (the current attempt unless {@code attempt} is given): the lines after {@code
   * afterSeq}, at most {@code limit}, or the last {@code tail} lines.
   */
  @GetMapping("/{executionId}/log")
  public Map<String, Object> log(
      @PathVariable String executionId,
      @RequestParam(required = false) Integer attempt,
      @RequestParam(defaultValue = "0") long afterSeq,
      @RequestParam(defaultValue = "200") int limit,
      @RequestParam(required = false) Integer tail) {
    List<FieldViolation> violations = new ArrayList<>();
    if (attempt != null && attempt < 1) {
      violations.add(new FieldViolation("attempt", "must be 1 or more"));
    }
    if (afterSeq < 0) {
      violations.add(new FieldViolation("afterSeq", "must be 0 or more"));
    }
    if (limit < 1 || limit > MAX_LOG_LINES) {
      violations.add(new FieldViolation("limit", "must be between 1 and " + MAX_LOG_LINES));
    }
    if (tail != null && (tail < 1 || tail > MAX_LOG_LINES)) {
      violations.add(new FieldViolation("tail", "must be between 1 and " + MAX_LOG_LINES));
    }
    throwIfAny(violations);
    ExecutionView execution = get(executionId);
    int of = attempt == null ? execution.attempt() : attempt;
    List<ExecutionQueries.LogLineView> lines =
        tail != null
            ? queries.tail(executionId, of, tail)
            : queries.log(executionId, of, afterSeq, limit);
    long next = lines.isEmpty() ? afterSeq : lines.get(lines.size() - 1).seq();
    return Map.of(
        "executionId", executionId,
        "attempt", of,
        "lines", lines,
        "nextAfterSeq", next,
        "truncated", execution.logTruncated());
  }

  /** Runs the execution again now, as its next attempt (202); 409 unless it has ended. */
  @PostMapping("/{executionId}/retry")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public Map<String, Object> retry(@PathVariable String executionId) {
    int attempt = commands.retry(executionId);
    return Map.of("executionId", executionId, "attempt", attempt, "status", "RETRYING");
  }

  /**
   * The body of a cancel: a record, not a map, so that a field it does not know is refused.
   *
   * @param reason why, for the record and the agent's log; may be null
   */
  public record CancelRequest(String reason) {}

  /**
   * Cancels a WAITING execution at once or asks the agent running a RUNNING one to stop (202); 409
   * for any other state.
   */
  @PostMapping("/{executionId}/cancel")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public Map<String, Object> cancel(
      @PathVariable String executionId,
      @RequestBody(required = false) CancelRequest body,
      HttpServletRequest request) {
    String reason = body == null ? null : body.reason();
    if (reason != null && reason.length() > 500) {
      throw ApiException.invalid(
          List.of(new FieldViolation("reason", "must be at most 500 characters")));
    }
    ExecutionStatus status = commands.cancel(executionId, Caller.of(request).name(), reason);
    return Map.of("executionId", executionId, "status", status.name(), "cancelRequested", true);
  }

  /** Counts by status and p50/p95 run time of a job's executions due within the window. */
  @GetMapping("/summary")
  public ExecutionQueries.Summary summary(
      @RequestParam(required = false) String jobId,
      @RequestParam(defaultValue = "PT24H") String window) {
    List<FieldViolation> violations = new ArrayList<>();
    Long job = parse(jobId, "jobId", Long::valueOf, "must be a job id", violations);
    if (jobId == null) {
      violations.add(new FieldViolation("jobId", "is required"));
    }
    Duration length =
        parse(window, "window", Duration::parse, "must be an ISO-8601 duration", violations);
    if (length != null
        && (length.isNegative() || length.isZero() || length.compareTo(MAX_WINDOW) > 0)) {
      violations.add(new FieldViolation("window", "must be more than zero and at most P31D"));
    }
    throwIfAny(violations);
    return queries.summary(job, clock.instant().minus(length), length);
  }

  private static <T> T parse(
      String text,
      String field,
      Function<String, T> parser,
      String reason,
      List<FieldViolation> violations) {
    if (text == null) {
      return null;
    }
    try {
      return parser.apply(text.trim());
    } catch (IllegalArgumentException | DateTimeParseException e) {
      violations.add(new FieldViolation(field, reason));
      return null;
    }
  }

  private static void throwIfAny(List<FieldViolation> violations) {
    if (!violations.isEmpty()) {
      throw ApiException.invalid(violations);
    }
  }
}
