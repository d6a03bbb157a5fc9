package dev.scheduler.execution.credentials;

import dev.scheduler.contracts.ConsumerGroups;
import dev.scheduler.contracts.EventSignatures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every credential that authenticates agents now, in memory, by its hash and by the id of its event
 * signing key: the shared agent token (where one is set), the configured ones and the issued ones
 * not revoked; and, for events only, execution-service's own {@link ServiceEventKey}. Read from the
 * database every {@link AgentCredentialProperties#cacheFor()}, at once after an issue or a
 * revocation here, and when asked for one it does not know (at most once a second, so that a flood
 * of unknown credentials costs the database little): a credential revoked on another replica is
 * refused here within that time.
 */
@Component
public class CredentialBook {

  /**
   * A credential that authenticates agents.
   *
   * @param app the app it serves; null for the shared token, which serves every app
   * @param label what it is, for refusals and logs
   * @param key its event signing key ({@link EventSignatures#keyFromHash})
   */
  public record Entry(String app, String label, byte[] key) {}

  private static final Pattern CONFIGURED =
      Pattern.compile("(" + ConsumerGroups.APP_NAME.pattern() + "):([0-9a-f]{64})");
  private static final long MISS_REFRESH_NANOS = 1_000_000_000L;

  private final JdbcClient jdbc;
  private final ServiceEventKey serviceKey;
  private final Map<String, Entry> fixed;
  private volatile Snapshot snapshot;
  private volatile long lastRefresh = System.nanoTime() - MISS_REFRESH_NANOS;

  public CredentialBook(
      JdbcClient jdbc,
      ServiceEventKey serviceKey,
      AgentToken sharedToken,
      AgentCredentialProperties properties) {
    this.jdbc = jdbc;
    this.serviceKey = serviceKey;
    Map<String, Entry> entries = new HashMap<>();
    sharedToken.sha256().ifPresent(hash -> entries.put(hash, entry(null, "shared token", hash)));
    for (String configured : properties.hashes()) {
      String trimmed = configured.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      // app names keep their case; the hash may come in either
      int colon = trimmed.lastIndexOf(':');
      var matcher =
          CONFIGURED.matcher(
              colon < 0
                  ? trimmed
                  : trimmed.substring(0, colon)
                      + trimmed.substring(colon).toLowerCase(java.util.Locale.ROOT));
      if (!matcher.matches()) {
        throw new IllegalStateException(
            "scheduler.execution.agent-credentials.hashes (SCHEDULER_AGENT_CREDENTIAL_HASHES) must"
                + " hold <app>:<SHA-256 of the app's credential, 64 hex digits>, comma-separated;"
                + " one is '"
                + (trimmed.length() > 12 ? trimmed.substring(0, 12) + "…" : trimmed)
                + "'");
      }
      entries.put(
          matcher.group(2), entry(matcher.group(1), "configured credential", matcher.group(2)));
    }
    this.fixed = Map.copyOf(entries);
    // the issued ones are read on first use: the schema may not be migrated yet at this point
    this.snapshot = snapshotOf(fixed);
  }

  /** The credential whose SHA-256 (hex) is {@code sha256}. */
  public Optional<Entry> byHash(String sha256) {
    Entry found = snapshot.byHash().get(sha256);
    if (found == null && refreshAfterMiss()) {
      found = snapshot.byHash().get(sha256);
    }
    return Optional.ofNullable(found);
  }

  /** The credential whose event signing key has the id {@code keyId}. */
  public Optional<Entry> byKeyId(String keyId) {
    if (keyId == null) {
      return Optional.empty();
    }
    Entry found = snapshot.byKeyId().get(keyId);
    if (found == null && refreshAfterMiss()) {
      found = snapshot.byKeyId().get(keyId);
    }
    return Optional.ofNullable(found);
  }

  /** Reads the issued credentials again. */
  @Scheduled(
      fixedDelayString = "${scheduler.execution.agent-credentials.cache-for:5s}",
      initialDelayString = "${scheduler.execution.agent-credentials.cache-for:5s}")
  public void refresh() {
    lastRefresh = System.nanoTime();
    Map<String, Entry> all = new HashMap<>(fixed);
    List<Map<String, Object>> rows =
        jdbc.sql(
                "SELECT id, app, credential_sha256 FROM scheduler_agent_credential"
                    + " WHERE revoked_at IS NULL")
            .query()
            .listOfRows();
    for (Map<String, Object> row : rows) {
      String hash = (String) row.get("credential_sha256");
      all.putIfAbsent(hash, entry((String) row.get("app"), "credential " + row.get("id"), hash));
    }
    // execution-service's own events: found by their key's id only, as no credential has this hash
    all.put("service", new Entry(null, "execution-service", serviceKey.key()));
    snapshot = snapshotOf(all);
  }

  private static Snapshot snapshotOf(Map<String, Entry> byHash) {
    Map<String, Entry> byKeyId = new HashMap<>();
    byHash.values().forEach(e -> byKeyId.put(EventSignatures.keyId(e.key()), e));
    return new Snapshot(Map.copyOf(byHash), Map.copyOf(byKeyId));
  }

  private boolean refreshAfterMiss() {
    synchronized (this) {
      if (System.nanoTime() - lastRefresh < MISS_REFRESH_NANOS) {
        return false;
      }
      refresh();
      return true;
    }
  }

  private static Entry entry(String app, String label, String hash) {
    return new Entry(app, label, EventSignatures.keyFromHash(hash));
  }

  private record Snapshot(Map<String, Entry> byHash, Map<String, Entry> byKeyId) {}
}
