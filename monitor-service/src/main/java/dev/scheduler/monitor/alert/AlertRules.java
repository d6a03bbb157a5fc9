package dev.scheduler.monitor.alert;

import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.ProblemCode;
import dev.scheduler.monitor.alert.AlertRule.Scope;
import dev.scheduler.support.ApiException;
import dev.scheduler.support.Caller;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The alert rules in {@code scheduler_alert_rule}, and the enabled ones in memory for the engine:
 * read again once a change made here commits, and every 30 s (changes made by another replica).
 */
@Component
public class AlertRules {

  private final JdbcClient jdbc;
  private final Clock clock;
  private final AtomicReference<List<AlertRule>> enabled = new AtomicReference<>();
  private final AtomicLong changes = new AtomicLong();

  public AlertRules(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** The enabled rules, as of the last reload. */
  public List<AlertRule> enabled() {
    List<AlertRule> rules = enabled.get();
    return rules != null ? rules : reload();
  }

  /**
   * Reads the enabled rules again (changes made by another replica). A change committed here while
   * it reads wins: this read may predate it and is then dropped.
   */
  @Scheduled(fixedDelay = 30_000)
  public List<AlertRule> reload() {
    long seen = changes.get();
    List<AlertRule> rules = query();
    synchronized (this) {
      if (changes.get() == seen) {
        enabled.set(rules);
      }
    }
    return rules;
  }

  /** After a change here commits: the rules are read again at once and that read wins. */
  private void reloadAfterCommit() {
    Runnable changed =
        () -> {
          synchronized (this) {
            changes.incrementAndGet();
            enabled.set(query());
          }
        };
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              changed.run();
            }
          });
    } else {
      changed.run();
    }
  }

  private List<AlertRule> query() {
    return jdbc.sql("SELECT * FROM scheduler_alert_rule WHERE enabled = TRUE ORDER BY id")
        .query(AlertRules::rule)
        .list();
  }

  public List<AlertRule> list() {
    return jdbc.sql("SELECT * FROM scheduler_alert_rule ORDER BY id")
        .query(AlertRules::rule)
        .list();
  }

  public AlertRule get(long id) {
    return jdbc.sql("SELECT * FROM scheduler_alert_rule WHERE id = ?")
        .param(id)
        .query(AlertRules::rule)
        .optional()
        .orElseThrow(() -> ApiException.notFound("alert rule " + id));
  }

  @Transactional
  public AlertRule create(AlertRuleRequest request, Caller caller) {
    AlertRule rule = AlertRuleValidator.validate(request, false, this::channelExists);
    Instant now = clock.instant();
    KeyHolder key = new GeneratedKeyHolder();
    try {
      jdbc.sql(
              "INSERT INTO scheduler_alert_rule (name, description, rule_type, severity, scope_type,"
                  + " scope_value, threshold, window_ms, min_runs, consecutive_count, silence_ms,"
                  + " channel_ids, notify_owner, auto_pause, auto_pause_after, enabled, version,"
                  + " created_at, created_by, updated_at, updated_by)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)")
          .params(columns(rule))
          .param(Timestamp.from(now))
          .param(caller.name())
          .param(Timestamp.from(now))
          .param(caller.name())
          .update(key, "id");
    } catch (DuplicateKeyException e) {
      throw nameTaken(rule);
    }
    reloadAfterCommit();
    return get(key.getKey().longValue());
  }

  @Transactional
  public AlertRule update(long id, AlertRuleRequest request, Caller caller) {
    get(id);
    AlertRule rule = AlertRuleValidator.validate(request, true, this::channelExists);
    int changed;
    try {
      changed =
          jdbc.sql(
                  "UPDATE scheduler_alert_rule SET name = ?, description = ?, rule_type = ?,"
                      + " severity = ?, scope_type = ?, scope_value = ?, threshold = ?,"
                      + " window_ms = ?, min_runs = ?, consecutive_count = ?, silence_ms = ?,"
                      + " channel_ids = ?, notify_owner = ?, auto_pause = ?, auto_pause_after = ?,"
                      + " enabled = ?, version = version + 1, updated_at = ?, updated_by = ?"
                      + " WHERE id = ? AND version = ?")
              .params(columns(rule))
              .param(Timestamp.from(clock.instant()))
              .param(caller.name())
              .param(id)
              .param(rule.version())
              .update();
    } catch (DuplicateKeyException e) {
      throw nameTaken(rule);
    }
    if (changed == 0) {
      throw new ApiException(
          ProblemCode.VERSION_CONFLICT,
          "alert rule " + id + " changed since version " + rule.version() + "; read it again");
    }
    reloadAfterCommit();
    return get(id);
  }

  @Transactional
  public void delete(long id) {
    get(id);
    jdbc.sql("DELETE FROM scheduler_alert_rule WHERE id = ?").param(id).update();
    reloadAfterCommit();
  }

  private boolean channelExists(long id) {
    return jdbc.sql("SELECT COUNT(*) FROM scheduler_notification_channel WHERE id = ?")
            .param(id)
            .query(Integer.class)
            .single()
        > 0;
  }

  private static ApiException nameTaken(AlertRule rule) {
    return new ApiException(
        ProblemCode.ALREADY_EXISTS, "an alert rule named '" + rule.name() + "' exists");
  }

  private static List<Object> columns(AlertRule r) {
    return Arrays.asList(
        r.name(),
        r.description(),
        r.type().name(),
        r.severity().name(),
        r.scope().name(),
        r.scopeValue(),
        r.type() == RuleType.FIRE_DELAY
            ? Double.valueOf(r.fireDelayBound().toMillis())
            : r.threshold(),
        r.window() == null ? null : r.window().toMillis(),
        r.minRuns(),
        r.consecutiveFailures(),
        r.silence().toMillis(),
        Json.toJson(r.channelIds()),
        r.notifyOwner(),
        r.autoPause(),
        r.autoPauseAfter(),
        r.enabled());
  }

  private static AlertRule rule(ResultSet rs, int n) throws SQLException {
    RuleType type = RuleType.valueOf(rs.getString("rule_type"));
    double threshold = rs.getDouble("threshold");
    boolean hasThreshold = !rs.wasNull();
    long window = rs.getLong("window_ms");
    boolean hasWindow = !rs.wasNull();
    Long[] channels = Json.fromJson(rs.getString("channel_ids"), Long[].class);
    return new AlertRule(
        rs.getLong("id"),
        rs.getString("name"),
        rs.getString("description"),
        type,
        Severity.valueOf(rs.getString("severity")),
        Scope.valueOf(rs.getString("scope_type")),
        rs.getString("scope_value"),
        type == RuleType.FIRE_DELAY || !hasThreshold ? null : threshold,
        hasWindow ? Duration.ofMillis(window) : null,
        (Integer) rs.getObject("min_runs", Integer.class),
        (Integer) rs.getObject("consecutive_count", Integer.class),
        type == RuleType.FIRE_DELAY && hasThreshold ? Duration.ofMillis((long) threshold) : null,
        Duration.ofMillis(rs.getLong("silence_ms")),
        channels == null ? List.of() : List.of(channels),
        rs.getBoolean("notify_owner"),
        rs.getBoolean("auto_pause"),
        (Integer) rs.getObject("auto_pause_after", Integer.class),
        rs.getBoolean("enabled"),
        rs.getLong("version"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getString("created_by"),
        rs.getTimestamp("updated_at").toInstant(),
        rs.getString("updated_by"));
  }
}
