package dev.scheduler.job.definition;

import dev.scheduler.contracts.FieldViolation;
import dev.scheduler.job.audit.AuditEntry;
import dev.scheduler.job.audit.JobAuditLog;
import dev.scheduler.job.trigger.TriggerEngine;
import dev.scheduler.support.ApiException;
import dev.scheduler.support.Caller;
import dev.scheduler.support.PageResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The job definitions API, {@code /api/v1/jobs}. */
@RestController
@RequestMapping("/api/v1/jobs")
class JobsResource {

  private final JobService jobs;
  private final JobAuditLog audit;

  JobsResource(JobService jobs, JobAuditLog audit) {
    this.jobs = jobs;
    this.audit = audit;
  }

  @PostMapping
  ResponseEntity<JobView> create(@RequestBody JobRequest request, HttpServletRequest http) {
    JobDefinition job = jobs.create(request, Caller.of(http));
    return ResponseEntity.created(URI.create("/api/v1/jobs/" + job.id()))
        .body(JobView.of(job, jobs.fireTimes(job.id())));
  }

  @GetMapping("/{id}")
  JobView get(@PathVariable long id) {
    return jobs.view(id);
  }

  @GetMapping
  PageResponse<JobView> list(
      @RequestParam(required = false) String app,
      @RequestParam(required = false) JobStatus status,
      @RequestParam(name = "q", required = false) String text,
      @RequestParam(required = false) ScheduleType scheduleType,
      @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
      @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size,
      @RequestParam(defaultValue = "id,asc") String sort) {
    String[] order = sort.split(",", 2);
    JobQuery.SortField field = sortField(order[0]);
    boolean descending = order.length == 2 && order[1].trim().equalsIgnoreCase("desc");
    if (order.length == 2 && !descending && !order[1].trim().equalsIgnoreCase("asc")) {
      throw ApiException.invalid(
          List.of(new FieldViolation("sort", "direction must be asc or desc")));
    }
    JobRepository.Page found =
        jobs.list(new JobQuery(app, status, text, scheduleType, page, size, field, descending));
    Map<Long, TriggerEngine.FireTimes> fireTimes =
        jobs.fireTimes(found.jobs().stream().map(JobDefinition::id).toList());
    List<JobView> views =
        found.jobs().stream().map(job -> JobView.of(job, fireTimes.get(job.id()))).toList();
    return PageResponse.of(views, page, size, found.total(), found.totalExact());
  }

  @PutMapping("/{id}")
  JobView update(@PathVariable long id, @RequestBody JobRequest request, HttpServletRequest http) {
    JobDefinition job = jobs.update(id, request, Caller.of(http));
    return JobView.of(job, jobs.fireTimes(id));
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void delete(@PathVariable long id, HttpServletRequest http) {
    jobs.delete(id, Caller.of(http));
  }

  @PostMapping("/{id}/pause")
  JobView pause(@PathVariable long id, HttpServletRequest http) {
    return JobView.of(jobs.pause(id, Caller.of(http)), jobs.fireTimes(id));
  }

  @PostMapping("/{id}/resume")
  JobView resume(@PathVariable long id, HttpServletRequest http) {
    return JobView.of(jobs.resume(id, Caller.of(http)), jobs.fireTimes(id));
  }

  /**
   * The body of a manual trigger.
   *
   * @param params parameters for this run instead of the job's own, may be null
   */
  record TriggerRequest(String params) {}

  @PostMapping("/{id}/trigger")
  @ResponseStatus(HttpStatus.ACCEPTED)
  TriggerResult trigger(
      @PathVariable long id,
      @RequestBody(required = false) TriggerRequest request,
      HttpServletRequest http) {
    return jobs.trigger(id, request == null ? null : request.params(), Caller.of(http));
  }

  @GetMapping("/{id}/next-fire-times")
  List<Instant> nextFireTimes(
      @PathVariable long id, @RequestParam(defaultValue = "10") @Min(1) @Max(100) int count) {
    return jobs.nextFireTimes(id, count);
  }

  @PostMapping("/preview")
  List<Instant> preview(
      @RequestBody JobRequest request,
      @RequestParam(defaultValue = "10") @Min(1) @Max(100) int count) {
    return jobs.preview(request, count);
  }

  @GetMapping("/{id}/history")
  PageResponse<AuditEntry> history(
      @PathVariable long id,
      @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
      @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
    if (!jobs.everExisted(id)) {
      throw ApiException.notFound("job " + id);
    }
    return audit.history(id, page, size);
  }

  private static JobQuery.SortField sortField(String name) {
    String constant = name.trim().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    try {
      return JobQuery.SortField.valueOf(constant);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(
          List.of(
              new FieldViolation(
                  "sort", "must be one of id, name, app, priority, createdAt, updatedAt")));
    }
  }
}
