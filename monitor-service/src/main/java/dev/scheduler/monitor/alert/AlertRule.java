package dev.scheduler.monitor.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A stored alert rule.
 *
 * @param id its id
 * @param name unique name
 * @param description what it is for, may be null
 * @param type what it watches
 * @param severity how urgent its alerts are
 * @param scope ALL, APP or JOB
 * @param scopeValue the app, or the job id, for APP and JOB
 * @param threshold FAILURE_RATE: the share of failed attempts (0..1) above which it fires
 * @param window FAILURE_RATE: the span the rate is taken over
 * @param minRuns FAILURE_RATE: the least attempts the rate is judged on
 * @param consecutiveFailures CONSECUTIVE_FAILURES: how many final failures in a row
 * @param fireDelayBound FIRE_DELAY: the delay above which it fires
 * @param silence after a notification, repeats of the same alert are counted but not notified for
 *     this long
 * @param channelIds where its alerts are sent
 * @param notifyOwner whether the job's owner and alert contacts are told too
 * @param autoPause CONSECUTIVE_FAILURES: whether the job is paused
 * @param autoPauseAfter after how many final failures in a row it is paused
 * @param enabled whether it is evaluated
 * @param version optimistic lock
 */
public record AlertRule(
    long id,
    String name,
    String description,
    RuleType type,
    Severity severity,
    Scope scope,
    String scopeValue,
    Double threshold,
    Duration window,
    Integer minRuns,
    Integer consecutiveFailures,
    Duration fireDelayBound,
    Duration silence,
    List<Long> channelIds,
    boolean notifyOwner,
    boolean autoPause,
    Integer autoPauseAfter,
    boolean enabled,
    long version,
    Instant createdAt,
    String createdBy,
    Instant updatedAt,
    String updatedBy) {

  /** What a rule applies to. */
  public enum Scope {
    ALL,
    APP,
    JOB
  }

  /** Whether the rule applies to an execution of {@code jobId} in {@code app}. */
  public boolean covers(String app, long jobId) {
    return switch (scope) {
      case ALL -> true;
      case APP -> scopeValue.equals(app);
      case JOB -> scopeValue.equals(Long.toString(jobId));
    };
  }

  /** Whether the rule applies to an agent of {@code app} (a JOB scope never does). */
  public boolean coversApp(String app) {
    return scope == Scope.ALL || (scope == Scope.APP && scopeValue.equals(app));
  }

  /** The open-alert key of this rule for {@code subject}. */
  public String openKey(String subject) {
    return id + ":" + subject;
  }
}
