package dev.scheduler.execution.credentials;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/** The issued agent credentials, by the SHA-256 of each. */
@Repository
class CredentialStore {

  private final JdbcClient jdbc;

  CredentialStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Stores a new credential of {@code app} by its hash; its id. */
  long insert(String app, String label, String sha256, String by, Instant at) {
    GeneratedKeyHolder keys = new GeneratedKeyHolder();
    jdbc.sql(
            "INSERT INTO scheduler_agent_credential (app, label, credential_sha256, created_at,"
                + " created_by) VALUES (?, ?, ?, ?, ?)")
        .params(app, label, sha256, Timestamp.from(at), by)
        .update(keys, "id");
    return keys.getKey().longValue();
  }

  Optional<AgentCredentialView> find(long id) {
    return jdbc.sql("SELECT * FROM scheduler_agent_credential WHERE id = ?")
        .param(id)
        .query(CredentialStore::view)
        .optional();
  }

  /** The credentials of {@code app} (of every app when null), newest first, at most 1,000. */
  List<AgentCredentialView> list(String app) {
    if (app == null) {
      return jdbc.sql("SELECT * FROM scheduler_agent_credential ORDER BY id DESC LIMIT 1000")
          .query(CredentialStore::view)
          .list();
    }
    return jdbc.sql(
            "SELECT * FROM scheduler_agent_credential WHERE app = ? ORDER BY id DESC LIMIT 1000")
        .param(app)
        .query(CredentialStore::view)
        .list();
  }

  /** Revokes it unless it is already; whether this call did. */
  boolean revoke(long id, String by, Instant at) {
    return jdbc.sql(
                "UPDATE scheduler_agent_credential SET revoked_at = ?, revoked_by = ?"
                    + " WHERE id = ? AND revoked_at IS NULL")
            .params(Timestamp.from(at), by, id)
            .update()
        == 1;
  }

  private static AgentCredentialView view(ResultSet rs, int row) throws SQLException {
    Timestamp revokedAt = rs.getTimestamp("revoked_at");
    return new AgentCredentialView(
        rs.getLong("id"),
        rs.getString("app"),
        rs.getString("label"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getString("created_by"),
        revokedAt == null ? null : revokedAt.toInstant(),
        rs.getString("revoked_by"));
  }
}
