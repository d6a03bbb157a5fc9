package dev.scheduler.monitor.alert;

import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.NodeState;
import dev.scheduler.contracts.NodeStateChanged;
import dev.scheduler.monitor.alert.Alerts.Fired;
import dev.scheduler.monitor.alert.Alerts.Subject;
import dev.scheduler.monitor.ingest.MonitorConsumers;
import dev.scheduler.monitor.metrics.MetricsQueries;
import dev.scheduler.monitor.metrics.MetricsQueries.Point;
import dev.scheduler.monitor.metrics.MinuteRollups.Scope;
import dev.scheduler.monitor.metrics.Outcomes;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Evaluates the enabled alert rules: on each batch of execution events and node state changes for
 * the rules about single events, and every 30 s for failure rates (from the minute rollups). An
 * alert resolves by itself when its condition clears: the job's next execution succeeds, its next
 * fire starts in time, the node comes back, the rate falls back.
 *
 * <p>A failure that the retry policy runs again is not a failure here: only an execution's last
 * attempt counts ({@link ExecutionEvent#lastAttemptEnded()}).
 */
@Component
public class AlertEngine {

  private static final Logger log = LoggerFactory.getLogger(AlertEngine.class);
  private static final String AUTO = "auto";

  private final AlertRules rules;
  private final Alerts alerts;
  private final JdbcClient jdbc;
  private final MetricsQueries metrics;
  private final JobControl jobs;
  private final AlertNotifications notifications;
  private final Clock clock;

  public AlertEngine(
      AlertRules rules,
      Alerts alerts,
      JdbcClient jdbc,
      MetricsQueries metrics,
      JobControl jobs,
      AlertNotifications notifications,
      Clock clock) {
    this.rules = rules;
    this.alerts = alerts;
    this.jdbc = jdbc;
    this.metrics = metrics;
    this.jobs = jobs;
    this.notifications = notifications;
    this.clock = clock;
  }

  /**
   * One batch at a time in this replica, so that a job's failure count is read as this event left
   * it; across replicas the database keeps one alert and one pause (see {@link Alerts}).
   */
  @EventListener
  public synchronized void onExecutions(MonitorConsumers.ExecutionEvents batch) {
    List<AlertRule> enabled = rules.enabled();
    for (ExecutionEvent event : batch.events()) {
      try {
        evaluate(event, enabled);
      } catch (RuntimeException e) {
        log.error("alert rules not evaluated for {}: {}", event.executionId(), e.toString(), e);
      }
    }
  }

  private void evaluate(ExecutionEvent event, List<AlertRule> enabled) {
    ExecutionEventType type = event.type();
    Subject job = jobSubject(event);
    fireDelay(event, job, enabled); // a STARTED event, or an outcome that includes the start
    if (type == ExecutionEventType.STARTED) {
      return;
    }
    boolean failure = type == ExecutionEventType.FAILED || type == ExecutionEventType.TIMED_OUT;
    // the failure count is kept only for jobs a consecutive-failures rule watches: no rule, no
    // write
    boolean counted =
        enabled.stream()
            .anyMatch(
                r ->
                    r.type() == RuleType.CONSECUTIVE_FAILURES
                        && r.covers(event.app(), event.jobId()));
    if (failure && event.lastAttemptEnded()) {
      int streak = counted ? streak(event, true) : 0;
      for (AlertRule rule : enabled) {
        if (!rule.covers(event.app(), event.jobId())) {
          continue;
        }
        switch (rule.type()) {
          case EXECUTION_FAILED ->
              fire(rule, job, "job " + event.jobId() + " failed", failed(event));
          case TIMEOUT -> {
            if (type == ExecutionEventType.TIMED_OUT) {
              fire(rule, job, "job " + event.jobId() + " timed out", failed(event));
            }
          }
          case CONSECUTIVE_FAILURES -> consecutive(rule, event, job, streak);
          default -> {
            // evaluated elsewhere
          }
        }
      }
    } else if (type == ExecutionEventType.SUCCEEDED) {
      if (counted) {
        streak(event, false);
      }
      for (AlertRule rule : enabled) {
        boolean cleared =
            rule.type() == RuleType.EXECUTION_FAILED
                || rule.type() == RuleType.TIMEOUT
                || rule.type() == RuleType.CONSECUTIVE_FAILURES;
        if (cleared && rule.covers(event.app(), event.jobId())) {
          alerts.resolve(
              rule,
              job.key(),
              AUTO,
              "execution " + event.executionId() + " succeeded",
              clock.instant());
        }
      }
    }
  }

  private void consecutive(AlertRule rule, ExecutionEvent event, Subject job, int streak) {
    if (streak < rule.consecutiveFailures()) {
      return;
    }
    Fired fired =
        fire(
            rule,
            job,
            "job " + event.jobId() + " failed " + rule.consecutiveFailures() + " times in a row",
            streak + " final failures in a row; last: " + failed(event));
    if (rule.autoPause()
        && streak >= rule.autoPauseAfter()
        && alerts.claimAction(fired.alert().id(), "pausing job " + event.jobId())) {
      String action;
      try {
        jobs.pause(event.jobId(), rule.name());
        action = "paused job " + event.jobId() + " after " + streak + " failures in a row";
      } catch (RuntimeException e) {
        action = "pausing job " + event.jobId() + " failed: " + e.getMessage();
        log.warn("{}", action);
      }
      alerts.action(fired.alert().id(), action, clock.instant());
    }
  }

  /** Checks the delay of a first attempt's start the event reports; nothing for other events. */
  private void fireDelay(ExecutionEvent event, Subject job, List<AlertRule> enabled) {
    Duration delay = Outcomes.fireDelay(event).orElse(null);
    if (delay == null) {
      return;
    }
    for (AlertRule rule : enabled) {
      if (rule.type() != RuleType.FIRE_DELAY || !rule.covers(event.app(), event.jobId())) {
        continue;
      }
      if (delay.compareTo(rule.fireDelayBound()) > 0) {
        fire(
            rule,
            job,
            "job " + event.jobId() + " started late",
            "started "
                + delay.toMillis()
                + " ms after it was due (bound "
                + rule.fireDelayBound().toMillis()
                + " ms)");
      } else {
        alerts.resolve(rule, job.key(), AUTO, "started in time", clock.instant());
      }
    }
  }

  @EventListener
  public void onNodeState(NodeStateChanged change) {
    for (AlertRule rule : rules.enabled()) {
      if (rule.type() != RuleType.NODE_OFFLINE || !rule.coversApp(change.app())) {
        continue;
      }
      Subject node =
          new Subject("node:" + change.nodeId(), change.app(), null, change.nodeId(), null);
      if (change.to() == NodeState.OFFLINE) {
        fire(
            rule,
            node,
            "agent " + change.nodeId() + " of " + change.app() + " is offline",
            "since " + change.time());
      } else if (change.to() == NodeState.ONLINE) {
        alerts.resolve(rule, node.key(), AUTO, "back online at " + change.time(), clock.instant());
      }
    }
  }

  /**
   * The live (ONLINE) agents of each app the registry knows: an app with none fires its
   * no-live-agent rules, an app with some resolves them.
   */
  public void onLiveAgents(Map<String, Integer> liveByApp) {
    Instant now = clock.instant();
    for (AlertRule rule : rules.enabled()) {
      if (rule.type() != RuleType.NO_LIVE_AGENT) {
        continue;
      }
      liveByApp.forEach(
          (app, live) -> {
            if (!rule.coversApp(app)) {
              return;
            }
            String key = "app:" + app;
            if (live == 0) {
              fire(
                  rule,
                  new Subject(key, app, null, null, null),
                  "no live agent of " + app,
                  "every agent of " + app + " in the registry is SUSPECT or OFFLINE");
            } else {
              alerts.resolve(rule, key, AUTO, live + " live agents", now);
            }
          });
    }
  }

  /**
   * A message reached the dead-letter queue of consumer group {@code group}: the dead-letter rules
   * fire (one alert per group, counting the messages). They resolve by hand, once an operator has
   * dealt with the queue: the broker does not say when it is emptied.
   */
  public void onDeadLetter(String group, String key, String messageId) {
    String app =
        group.startsWith("scheduler-agent-") ? group.substring("scheduler-agent-".length()) : null;
    for (AlertRule rule : rules.enabled()) {
      if (rule.type() != RuleType.DEAD_LETTER
          || (app == null ? rule.scope() != AlertRule.Scope.ALL : !rule.coversApp(app))) {
        continue;
      }
      fire(
          rule,
          new Subject("dlq:" + group, app, null, null, null),
          "messages in the dead-letter queue of " + group,
          "message " + (key == null ? messageId : key) + " failed 16 deliveries to " + group);
    }
  }

  /** Failure rates over each rule's window, from the minute rollups. */
  @Scheduled(fixedDelayString = "${scheduler.monitor.alerts.rate-interval:30s}")
  public void evaluateRates() {
    Instant now = clock.instant();
    for (AlertRule rule : rules.enabled()) {
      if (rule.type() != RuleType.FAILURE_RATE) {
        continue;
      }
      try {
        rates(rule, now);
      } catch (RuntimeException e) {
        log.error("failure rate of rule {} not evaluated: {}", rule.name(), e.toString(), e);
      }
    }
  }

  private void rates(AlertRule rule, Instant now) {
    Instant from = now.minus(rule.window());
    List<MetricsQueries.Summary> subjects =
        switch (rule.scope()) {
          case ALL, APP -> metrics.summaries(Scope.APP, from, now, 10_000, false);
          case JOB -> metrics.summaries(Scope.JOB, from, now, 10_000, false);
        };
    for (MetricsQueries.Summary s : subjects) {
      boolean covered =
          rule.scope() == AlertRule.Scope.ALL || rule.scopeValue().equals(s.subject());
      if (!covered) {
        continue;
      }
      Point p = s.point();
      String key = (rule.scope() == AlertRule.Scope.JOB ? "job:" : "app:") + s.subject();
      long failures = p.failed() + p.timedOut();
      if (p.runs() >= rule.minRuns() && failures > rule.threshold() * p.runs()) {
        Long jobId = rule.scope() == AlertRule.Scope.JOB ? Long.valueOf(s.subject()) : null;
        String app = rule.scope() == AlertRule.Scope.JOB ? s.app() : s.subject();
        fire(
            rule,
            new Subject(key, app, jobId, null, null),
            key + " fails " + Math.round(100.0 * failures / p.runs()) + "% of its runs",
            failures
                + " of "
                + p.runs()
                + " attempts failed in the last "
                + rule.window()
                + " (threshold "
                + Math.round(rule.threshold() * 100)
                + "%)");
      } else if (p.runs() >= rule.minRuns()) {
        alerts.resolve(rule, key, AUTO, "rate back to " + failures + " of " + p.runs(), now);
      }
    }
  }

  private Fired fire(AlertRule rule, Subject subject, String title, String message) {
    Instant now = clock.instant();
    Fired fired = alerts.fire(rule, subject, title, message, now);
    notifications.consider(rule, fired, now);
    return fired;
  }

  /** Counts a job's final failures in a row in the shared table; a success sets it to 0. */
  private int streak(ExecutionEvent event, boolean failed) {
    Timestamp now = Timestamp.from(clock.instant());
    if (failed) {
      jdbc.sql(
              "INSERT INTO scheduler_failure_streak (job_id, app, failures, last_execution_id,"
                  + " updated_at) VALUES (?, ?, 1, ?, ?) ON DUPLICATE KEY UPDATE"
                  + " failures = failures + 1, last_execution_id = VALUES(last_execution_id),"
                  + " updated_at = VALUES(updated_at)")
          .params(event.jobId(), event.app(), event.executionId(), now)
          .update();
      return jdbc.sql("SELECT failures FROM scheduler_failure_streak WHERE job_id = ?")
          .param(event.jobId())
          .query(Integer.class)
          .single();
    }
    jdbc.sql(
            "UPDATE scheduler_failure_streak SET failures = 0, last_execution_id = ?, updated_at = ?"
                + " WHERE job_id = ?")
        .params(event.executionId(), now, event.jobId())
        .update();
    return 0;
  }

  private static Subject jobSubject(ExecutionEvent event) {
    return new Subject(
        "job:" + event.jobId(), event.app(), event.jobId(), null, event.executionId());
  }

  private static String failed(ExecutionEvent event) {
    return "execution "
        + event.executionId()
        + " "
        + event.type()
        + " on attempt "
        + event.attempt()
        + (event.error() == null ? "" : ": " + event.error());
  }
}
