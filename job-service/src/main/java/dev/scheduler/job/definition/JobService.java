package dev.scheduler.job.definition;

import dev.scheduler.contracts.FieldViolation;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.ProblemCode;
import dev.scheduler.job.audit.JobAuditLog;
import dev.scheduler.job.cache.JobCache;
import dev.scheduler.job.trigger.FirePublisher;
import dev.scheduler.job.trigger.TriggerEngine;
import dev.scheduler.support.ApiException;
import dev.scheduler.support.Caller;
import dev.scheduler.support.Violations;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The operations on jobs. Each change writes the job row, its trigger and its audit record in one
 * transaction, and refreshes the fire cache after the commit.
 */
@Service
public class JobService {

  private final JobRepository jobs;
  private final JobValidator validator;
  private final JobAuditLog audit;
  private final TriggerEngine engine;
  private final JobCache cache;
  private final FirePublisher publisher;
  private final Clock clock;

  public JobService(
      JobRepository jobs,
      JobValidator validator,
      JobAuditLog audit,
      TriggerEngine engine,
      JobCache cache,
      FirePublisher publisher,
      Clock clock) {
    this.jobs = jobs;
    this.validator = validator;
    this.audit = audit;
    this.engine = engine;
    this.cache = cache;
    this.publisher = publisher;
    this.clock = clock;
  }

  @Transactional
  public JobDefinition create(JobRequest request, Caller caller) {
    JobSpec spec = validator.validate(request);
    Instant now = clock.instant();
    long id;
    try {
      id = jobs.insert(spec, JobStatus.ACTIVE, now, caller.name());
    } catch (DuplicateKeyException e) {
      throw duplicateName(spec);
    }
    JobDefinition job = require(id);
    engine.schedule(job);
    audit.record(id, "CREATED", caller, null, JobView.snapshot(job), job.version(), now);
    afterCommit(() -> cache.put(job));
    return job;
  }

  @Transactional
  public JobDefinition update(long id, JobRequest request, Caller caller) {
    JobDefinition before = require(id);
    JobSpec spec = validator.validateUpdate(request);
    Instant now = clock.instant();
    boolean updated;
    try {
      updated = jobs.update(id, spec, request.version(), now, caller.name());
    } catch (DuplicateKeyException e) {
      throw duplicateName(spec);
    }
    if (!updated) {
      throw staleVersion(id, request.version(), before.version());
    }
    JobDefinition after = require(id);
    if (schedulingChanged(before.spec(), after.spec())) {
      engine.schedule(after);
    }
    audit.record(
        id,
        "UPDATED",
        caller,
        JobView.snapshot(before),
        JobView.snapshot(after),
        after.version(),
        now);
    afterCommit(() -> cache.put(after));
    return after;
  }

  @Transactional
  public void delete(long id, Caller caller) {
    JobDefinition before = require(id);
    Instant now = clock.instant();
    if (!jobs.changeStatus(id, before.status(), JobStatus.DELETED, now, caller.name())) {
      throw changedMeanwhile(id);
    }
    engine.unschedule(id);
    audit.record(id, "DELETED", caller, JobView.snapshot(before), null, before.version() + 1, now);
    afterCommit(() -> cache.evict(id));
  }

  @Transactional
  public JobDefinition pause(long id, Caller caller) {
    return move(id, JobStatus.ACTIVE, JobStatus.PAUSED, "PAUSED", caller);
  }

  @Transactional
  public JobDefinition resume(long id, Caller caller) {
    return move(id, JobStatus.PAUSED, JobStatus.ACTIVE, "RESUMED", caller);
  }

  /**
   * Fires the job now, once, whatever its schedule or state, with {@code params} instead of its own
   * when given.
   */
  public TriggerResult trigger(long id, String params, Caller caller) {
    Violations violations = new Violations();
    violations.bounded(params, "params", JobValidator.MAX_PARAMS);
    violations.throwIfAny();
    JobDefinition job = require(id);
    Instant now = clock.instant();
    List<FireEvent> events =
        publisher.eventsOf(id, job.spec(), now, now, params).stream()
            .map(FireEvent::manually)
            .toList();
    if (events.isEmpty()) {
      throw new ApiException(
          ProblemCode.STATE_CONFLICT,
          "no live agent of app "
              + job.spec().app()
              + " to run the broadcast; nothing was started");
    }
    try {
      publisher.publish(events);
    } catch (FirePublisher.FireNotPublishedException e) {
      throw new ApiException(
          ProblemCode.SERVICE_UNAVAILABLE, "the broker did not take the fire; nothing was started");
    }
    audit.record(
        id,
        "TRIGGERED",
        caller,
        null,
        new ManualFire(events.get(0).fireId(), params),
        job.version(),
        now);
    return new TriggerResult(
        id, events.get(0).fireId(), now, events.stream().map(FireEvent::executionId).toList());
  }

  /** What the audit keeps of a manual trigger. */
  record ManualFire(String fireId, String params) {}

  @Transactional(readOnly = true)
  public JobView view(long id) {
    JobDefinition job = require(id);
    return JobView.of(job, engine.fireTimes(id));
  }

  @Transactional(readOnly = true)
  public JobRepository.Page list(JobQuery query) {
    return jobs.list(query);
  }

  public TriggerEngine.FireTimes fireTimes(long id) {
    return engine.fireTimes(id);
  }

  /** Fire times of several jobs, in one read. */
  public Map<Long, TriggerEngine.FireTimes> fireTimes(Collection<Long> ids) {
    return engine.fireTimes(ids);
  }

  /** The next fire times of a stored job. */
  @Transactional(readOnly = true)
  public List<Instant> nextFireTimes(long id, int count) {
    return engine.preview(require(id).spec(), clock.instant(), count);
  }

  /** The next fire times a job defined by {@code request} would have. */
  public List<Instant> preview(JobRequest request, int count) {
    return engine.preview(validator.validate(request), clock.instant(), count);
  }

  /** Whether the job exists or existed (its history outlives it). */
  public boolean everExisted(long id) {
    return jobs.everExisted(id);
  }

  private JobDefinition move(long id, JobStatus from, JobStatus to, String action, Caller caller) {
    JobDefinition before = require(id);
    if (before.status() == to) {
      return before;
    }
    Instant now = clock.instant();
    if (!jobs.changeStatus(id, from, to, now, caller.name())) {
      throw changedMeanwhile(id);
    }
    if (to == JobStatus.PAUSED) {
      engine.pause(id);
    } else {
      engine.resume(id);
    }
    JobDefinition after = require(id);
    audit.record(
        id,
        action,
        caller,
        JobView.snapshot(before),
        JobView.snapshot(after),
        after.version(),
        now);
    afterCommit(() -> cache.put(after));
    return after;
  }

  private JobDefinition require(long id) {
    return jobs.find(id).orElseThrow(() -> ApiException.notFound("job " + id));
  }

  private static boolean schedulingChanged(JobSpec before, JobSpec after) {
    return !Objects.equals(before.schedule(), after.schedule())
        || before.priority() != after.priority()
        || before.misfirePolicy() != after.misfirePolicy();
  }

  private static ApiException duplicateName(JobSpec spec) {
    return new ApiException(
        ProblemCode.ALREADY_EXISTS,
        "app " + spec.app() + " already has a job named " + spec.name(),
        List.of(new FieldViolation("name", "is taken by another job of the app")));
  }

  private static ApiException staleVersion(long id, long given, long current) {
    return new ApiException(
        ProblemCode.VERSION_CONFLICT,
        "job "
            + id
            + " is at version "
            + current
            + ", the update was based on "
            + given
            + "; reload it and apply the change again");
  }

  private static ApiException changedMeanwhile(long id) {
    return new ApiException(
        ProblemCode.STATE_CONFLICT, "job " + id + " changed meanwhile; reload it and try again");
  }

  private static void afterCommit(Runnable action) {
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            action.run();
          }
        });
  }
}
