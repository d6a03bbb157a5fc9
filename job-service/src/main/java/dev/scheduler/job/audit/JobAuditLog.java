package dev.scheduler.job.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scheduler.contracts.Json;
import dev.scheduler.support.Caller;
import dev.scheduler.support.PageResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code scheduler_job_audit}: who changed what of a job, when, with before and after. Written in
 * the transaction of the change itself, so a change is never without its record.
 */
@Repository
public class JobAuditLog {

  private final JdbcClient jdbc;

  public JobAuditLog(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Records a change. {@code before} and {@code after} are snapshots of the job (any object that
   * serializes to JSON), null where there is none.
   */
  public void record(
      long jobId,
      String action,
      Caller caller,
      Object before,
      Object after,
      Long version,
      Instant at) {
    JsonNode beforeTree = before == null ? null : Json.mapper().valueToTree(before);
    JsonNode afterTree = after == null ? null : Json.mapper().valueToTree(after);
    jdbc.sql(
            "INSERT INTO scheduler_job_audit (job_id, action, actor, request_id, changed_at,"
                + " changes, before_state, after_state, job_version)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            jobId,
            action,
            caller.name(),
            caller.requestId(),
            Timestamp.from(at),
            Json.toJson(changedFields(beforeTree, afterTree)),
            beforeTree == null ? null : beforeTree.toString(),
            afterTree == null ? null : afterTree.toString(),
            version)
        .update();
  }

  /** The changes of a job, newest first. */
  public PageResponse<AuditEntry> history(long jobId, int page, int size) {
    long total =
        jdbc.sql("SELECT COUNT(*) FROM scheduler_job_audit WHERE job_id = ?")
            .param(jobId)
            .query(Long.class)
            .single();
    List<AuditEntry> entries =
        jdbc.sql(
                "SELECT id, action, actor, request_id, changed_at, changes, before_state,"
                    + " after_state, job_version FROM scheduler_job_audit WHERE job_id = ?"
                    + " ORDER BY id DESC LIMIT ? OFFSET ?")
            .params(jobId, size, (long) page * size)
            .query(
                (rs, row) ->
                    new AuditEntry(
                        rs.getLong("id"),
                        rs.getString("action"),
                        rs.getString("actor"),
                        rs.getString("request_id"),
                        rs.getTimestamp("changed_at").toInstant(),
                        List.of(Json.fromJson(rs.getString("changes"), String[].class)),
                        tree(rs.getString("before_state")),
                        tree(rs.getString("after_state")),
                        rs.getObject("job_version") == null ? null : rs.getLong("job_version")))
            .list();
    return PageResponse.of(entries, page, size, total);
  }

  /** Fields that change with every change, and so tell nothing about it. */
  private static final Set<String> BOOKKEEPING = Set.of("version", "updatedAt", "updatedBy");

  /**
   * Names of the fields that differ, down into nested objects ({@code schedule.cron}), without the
   * bookkeeping fields.
   */
  static List<String> changedFields(JsonNode before, JsonNode after) {
    if (before == null || after == null) {
      return List.of();
    }
    Set<String> changed = new TreeSet<>();
    Set<String> names = new TreeSet<>();
    before.fieldNames().forEachRemaining(names::add);
    after.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode a = before.get(name);
      JsonNode b = after.get(name);
      if (BOOKKEEPING.contains(name) || Objects.equals(a, b)) {
        continue;
      }
      if (a instanceof ObjectNode oa && b instanceof ObjectNode ob) {
        for (String nested : changedFields(oa, ob)) {
          changed.add(name + "." + nested);
        }
      } else {
        changed.add(name);
      }
    }
    return new ArrayList<>(changed);
  }

  private static JsonNode tree(String json) {
    return json == null ? null : Json.fromJson(json, JsonNode.class);
  }
}
