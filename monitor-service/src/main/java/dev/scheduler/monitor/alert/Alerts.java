package dev.scheduler.monitor.alert;

import dev.scheduler.contracts.ProblemCode;
import dev.scheduler.monitor.alert.Alert.Status;
import dev.scheduler.monitor.alert.Alert.Step;
import dev.scheduler.support.ApiException;
import dev.scheduler.support.PageResponse;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The alerts in {@code scheduler_alert} and every step of each in {@code scheduler_alert_event}.
 * The database keeps one open alert per rule and subject ({@code open_key} is unique while open and
 * NULL once resolved), so replicas firing the same alert at once end with one alert and a count.
 */
@Component
public class Alerts {

  private final JdbcClient jdbc;

  public Alerts(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** What {@link #fire} did. */
  public record Fired(Alert alert, boolean opened) {}

  /** What an alert is about. */
  public record Subject(String key, String app, Long jobId, String nodeId, String executionId) {}

  /** Opens the alert of {@code rule} for {@code subject}, or counts a repeat of the open one. */
  @Transactional
  public Fired fire(AlertRule rule, Subject subject, String title, String message, Instant now) {
    String openKey = rule.openKey(subject.key());
    for (int tries = 0; tries < 3; tries++) {
      int repeated =
          jdbc.sql(
                  "UPDATE scheduler_alert SET occurrences = occurrences + 1, last_fired_at = ?,"
                      + " message = ?, execution_id = COALESCE(?, execution_id),"
                      + " version = version + 1 WHERE open_key = ?")
              .params(Timestamp.from(now), message, subject.executionId(), openKey)
              .update();
      if (repeated == 1) {
        Alert alert = byOpenKey(openKey).orElseThrow();
        step(alert.id(), now, "REPEATED", alert.status(), alert.status(), null, message);
        return new Fired(alert, false);
      }
      KeyHolder key = new GeneratedKeyHolder();
      try {
        jdbc.sql(
                "INSERT INTO scheduler_alert (rule_id, subject_key, app, job_id, node_id,"
                    + " execution_id, severity, status, title, message, occurrences,"
                    + " first_fired_at, last_fired_at, open_key)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, 'FIRING', ?, ?, 1, ?, ?, ?)")
            .params(
                rule.id(),
                subject.key(),
                subject.app(),
                subject.jobId(),
                subject.nodeId(),
                subject.executionId(),
                rule.severity().name(),
                title,
                message,
                Timestamp.from(now),
                Timestamp.from(now),
                openKey)
            .update(key, "id");
      } catch (DuplicateKeyException raced) {
        continue; // another replica opened it first: count this as its repeat
      }
      long id = key.getKey().longValue();
      step(id, now, "FIRED", null, Status.FIRING, null, message);
      return new Fired(get(id), true);
    }
    throw new IllegalStateException("alert " + openKey + " kept changing under three attempts");
  }

  /** Resolves the open alert of {@code rule} for {@code subjectKey}, if any. */
  @Transactional
  public Optional<Alert> resolve(
      AlertRule rule, String subjectKey, String by, String note, Instant now) {
    return byOpenKey(rule.openKey(subjectKey))
        .filter(alert -> close(alert, by, note, now))
        .map(alert -> get(alert.id()));
  }

  /**
   * An operator closes an open alert (one that does not resolve by itself, or that they judge
   * over).
   */
  @Transactional
  public Alert resolveById(long id, String by, String note, Instant now) {
    if (!close(get(id), by, note, now)) {
      throw new ApiException(ProblemCode.STATE_CONFLICT, "alert " + id + " is resolved already");
    }
    return get(id);
  }

  private boolean close(Alert alert, String by, String note, Instant now) {
    int done =
        jdbc.sql(
                "UPDATE scheduler_alert SET status = 'RESOLVED', open_key = NULL, resolved_at = ?,"
                    + " resolved_by = ?, version = version + 1 WHERE id = ? AND open_key IS NOT NULL")
            .params(Timestamp.from(now), by, alert.id())
            .update();
    if (done == 1) {
      step(alert.id(), now, "RESOLVED", alert.status(), Status.RESOLVED, by, note);
    }
    return done == 1;
  }

  /** An operator takes a firing alert on: it is not notified again while it stays open. */
  @Transactional
  public Alert acknowledge(long id, String by, String note, Instant now) {
    Alert alert = get(id);
    int done =
        jdbc.sql(
                "UPDATE scheduler_alert SET status = 'ACKNOWLEDGED', acknowledged_at = ?,"
                    + " acknowledged_by = ?, version = version + 1 WHERE id = ? AND status = 'FIRING'")
            .params(Timestamp.from(now), by, id)
            .update();
    if (done == 0) {
      throw new ApiException(
          ProblemCode.STATE_CONFLICT,
          "alert " + id + " is " + alert.status() + "; only a FIRING alert can be acknowledged");
    }
    step(id, now, "ACKNOWLEDGED", Status.FIRING, Status.ACKNOWLEDGED, by, note);
    return get(id);
  }

  /**
   * Takes the right to act on alert {@code id} (once per alert, whichever replica asks first),
   * marking it with {@code intent} until {@link #action} records the result.
   */
  public boolean claimAction(long id, String intent) {
    return jdbc.sql(
                "UPDATE scheduler_alert SET action_taken = ? WHERE id = ? AND action_taken IS NULL")
            .params(intent, id)
            .update()
        == 1;
  }

  /** Records what was done automatically about an alert. */
  @Transactional
  public void action(long id, String action, Instant now) {
    jdbc.sql("UPDATE scheduler_alert SET action_taken = ? WHERE id = ?")
        .params(action, id)
        .update();
    step(id, now, "ACTION", null, null, "monitor-service", action);
  }

  /**
   * Takes the right to notify alert {@code id} now: it is FIRING and was not notified within {@code
   * silence}. Atomic, so that of replicas (or repeats) deciding at once only one notifies.
   */
  public boolean claimNotification(long id, Duration silence, Instant now) {
    return jdbc.sql(
                "UPDATE scheduler_alert SET last_notified_at = ? WHERE id = ? AND status = 'FIRING'"
                    + " AND (last_notified_at IS NULL OR last_notified_at <= ?)")
            .params(Timestamp.from(now), id, Timestamp.from(now.minus(silence)))
            .update()
        == 1;
  }

  /** Records a notification (or its failure) of an alert. */
  public void notified(long id, boolean ok, String note, Instant now) {
    step(id, now, ok ? "NOTIFIED" : "NOTIFY_FAILED", null, null, "monitor-service", note);
  }

  public Alert get(long id) {
    return jdbc.sql("SELECT * FROM scheduler_alert WHERE id = ?")
        .param(id)
        .query(Alerts::alert)
        .optional()
        .orElseThrow(() -> ApiException.notFound("alert " + id));
  }

  public List<Step> steps(long id) {
    return jdbc.sql("SELECT * FROM scheduler_alert_event WHERE alert_id = ? ORDER BY id")
        .param(id)
        .query(
            (rs, n) ->
                new Step(
                    rs.getTimestamp("occurred_at").toInstant(),
                    rs.getString("event_type"),
                    status(rs.getString("from_status")),
                    status(rs.getString("to_status")),
                    rs.getString("actor"),
                    rs.getString("note")))
        .list();
  }

  /** A page of alerts, newest first, by status and rule when given. */
  public PageResponse<Alert> list(Status status, Long ruleId, int page, int size) {
    StringBuilder where = new StringBuilder(" WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    if (status != null) {
      where.append(" AND status = ?");
      params.add(status.name());
    }
    if (ruleId != null) {
      where.append(" AND rule_id = ?");
      params.add(ruleId);
    }
    long total =
        jdbc.sql("SELECT COUNT(*) FROM scheduler_alert" + where)
            .params(params)
            .query(Long.class)
            .single();
    List<Object> paged = new ArrayList<>(params);
    paged.add(size);
    paged.add((long) page * size);
    List<Alert> items =
        jdbc.sql(
                "SELECT * FROM scheduler_alert"
                    + where
                    + " ORDER BY last_fired_at DESC, id DESC LIMIT ? OFFSET ?")
            .params(paged)
            .query(Alerts::alert)
            .list();
    return PageResponse.of(items, page, size, total);
  }

  /** Open alerts by severity, for the gauge. */
  public long open(Severity severity) {
    return jdbc.sql(
            "SELECT COUNT(*) FROM scheduler_alert WHERE open_key IS NOT NULL AND severity = ?")
        .param(severity.name())
        .query(Long.class)
        .single();
  }

  private Optional<Alert> byOpenKey(String openKey) {
    return jdbc.sql("SELECT * FROM scheduler_alert WHERE open_key = ?")
        .param(openKey)
        .query(Alerts::alert)
        .optional();
  }

  private void step(
      long id, Instant at, String type, Status from, Status to, String actor, String note) {
    jdbc.sql(
            "INSERT INTO scheduler_alert_event (alert_id, occurred_at, event_type, from_status,"
                + " to_status, actor, note) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .params(
            id,
            Timestamp.from(at),
            type,
            from == null ? null : from.name(),
            to == null ? null : to.name(),
            actor,
            note == null ? null : note.substring(0, Math.min(note.length(), 1024)))
        .update();
  }

  private static Status status(String value) {
    return value == null ? null : Status.valueOf(value);
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  private static Alert alert(ResultSet rs, int n) throws SQLException {
    return new Alert(
        rs.getLong("id"),
        rs.getLong("rule_id"),
        rs.getString("subject_key"),
        rs.getString("app"),
        (Long) rs.getObject("job_id", Long.class),
        rs.getString("node_id"),
        rs.getString("execution_id"),
        Severity.valueOf(rs.getString("severity")),
        Status.valueOf(rs.getString("status")),
        rs.getString("title"),
        rs.getString("message"),
        rs.getInt("occurrences"),
        instant(rs.getTimestamp("first_fired_at")),
        instant(rs.getTimestamp("last_fired_at")),
        instant(rs.getTimestamp("last_notified_at")),
        instant(rs.getTimestamp("acknowledged_at")),
        rs.getString("acknowledged_by"),
        instant(rs.getTimestamp("resolved_at")),
        rs.getString("resolved_by"),
        rs.getString("action_taken"));
  }
}
