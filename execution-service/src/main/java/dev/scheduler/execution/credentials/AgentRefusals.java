package dev.scheduler.execution.credentials;

import dev.scheduler.contracts.ConsumerGroups;
import dev.scheduler.contracts.ProblemCode;
import dev.scheduler.support.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Refuses agent requests that lack a valid credential or act for an app, node or execution not
 * theirs: each refusal is counted ({@code scheduler.agent.refusals} by action and reason), logged,
 * and kept per minute in {@code scheduler_agent_refusal}, where {@code GET
 * /api/v1/agent-credentials/refusals} shows them. Counts gather in memory and are written every few
 * seconds, so that a flood of forged requests costs the database one row per minute and reason.
 */
@Component
public class AgentRefusals {

  /** Why a request was refused. */
  public enum Reason {
    /** No credential, or one that is unknown, revoked or malformed. */
    UNAUTHENTICATED,
    /** A credential of another app than the one the request acts for. */
    OTHER_APP,
    /** A node registered by another app. */
    OTHER_APPS_NODE
  }

  private static final Logger log = LoggerFactory.getLogger(AgentRefusals.class);

  private final JdbcClient jdbc;
  private final MeterRegistry meters;
  private final Clock clock;
  private final Map<Key, Pending> pending = new ConcurrentHashMap<>();

  public AgentRefusals(JdbcClient jdbc, MeterRegistry meters, Clock clock) {
    this.jdbc = jdbc;
    this.meters = meters;
    this.clock = clock;
  }

  /**
   * Records a refusal of {@code action} by an agent of {@code app} and returns the problem to
   * throw: 401 for {@link Reason#UNAUTHENTICATED}, else 403.
   */
  public ApiException refuse(String app, String action, Reason reason, String detail) {
    record(app, action, reason, detail);
    return reason == Reason.UNAUTHENTICATED
        ? new ApiException(ProblemCode.UNAUTHENTICATED, detail)
        : new ApiException(ProblemCode.FORBIDDEN, detail);
  }

  /** Records a refusal where nothing answers it (an event dropped off the broker). */
  public void record(String app, String action, Reason reason, String detail) {
    Counter.builder("scheduler.agent.refusals")
        .tag("action", action)
        .tag("reason", reason.name())
        .description("agent requests refused, by what they tried and why")
        .register(meters)
        .increment();
    Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
    String safeDetail = detail.length() > 255 ? detail.substring(0, 255) : detail;
    // the app a refused request named may be anything: kept only when it is an app name
    String named = app != null && ConsumerGroups.APP_NAME.matcher(app).matches() ? app : "?";
    pending
        .computeIfAbsent(new Key(minute, named, action, reason), k -> new Pending())
        .add(safeDetail);
  }

  /** Writes the refusals gathered since the last write. */
  @Scheduled(fixedDelayString = "${scheduler.execution.agent-credentials.refusal-flush:2s}")
  public void flush() {
    for (Key key : List.copyOf(pending.keySet())) {
      Pending counted = pending.remove(key);
      if (counted == null) {
        continue;
      }
      long refusals = counted.count.get();
      log.warn(
          "refused {} agent request(s) of app {} to {}: {} ({})",
          refusals,
          key.app(),
          key.action(),
          key.reason(),
          counted.lastDetail);
      Object[] row = params(refusals, counted.lastDetail, key);
      if (addTo(row) == 0) {
        insertOrAdd(row);
      }
    }
  }

  /** Another replica may have made the row since the update found none: then it adds to it. */
  private void insertOrAdd(Object[] row) {
    try {
      jdbc.sql(
              "INSERT INTO scheduler_agent_refusal (refusals, last_detail, at_minute, app, action,"
                  + " reason) VALUES (?, ?, ?, ?, ?, ?)")
          .params(row)
          .update();
    } catch (DuplicateKeyException e) {
      addTo(row);
    }
  }

  /** Adds {@code row}'s count to its stored row; how many rows it changed. */
  private int addTo(Object[] row) {
    return jdbc.sql(
            "UPDATE scheduler_agent_refusal SET refusals = refusals + ?, last_detail = ?"
                + " WHERE at_minute = ? AND app = ? AND action = ? AND reason = ?")
        .params(row)
        .update();
  }

  /** The refusals since {@code since}, newest first, at most 1,000 rows. */
  public List<AgentRefusalView> since(Instant since, String app) {
    flush();
    StringBuilder sql =
        new StringBuilder("SELECT * FROM scheduler_agent_refusal WHERE at_minute >= ?");
    List<Object> params = new ArrayList<>(List.of(Timestamp.from(since)));
    if (app != null) {
      sql.append(" AND app = ?");
      params.add(app);
    }
    sql.append(" ORDER BY at_minute DESC, app, action, reason LIMIT 1000");
    return jdbc.sql(sql.toString())
        .params(params)
        .query(
            (rs, row) ->
                new AgentRefusalView(
                    rs.getTimestamp("at_minute").toInstant(),
                    rs.getString("app"),
                    rs.getString("action"),
                    rs.getString("reason"),
                    rs.getLong("refusals"),
                    rs.getString("last_detail")))
        .list();
  }

  private static Object[] params(long refusals, String detail, Key key) {
    return new Object[] {
      refusals, detail, Timestamp.from(key.minute()), key.app(), key.action(), key.reason().name()
    };
  }

  private record Key(Instant minute, String app, String action, Reason reason) {}

  private static final class Pending {
    private final AtomicLong count = new AtomicLong();
    private volatile String lastDetail = "";

    void add(String detail) {
      count.incrementAndGet();
      lastDetail = detail;
    }
  }
}
