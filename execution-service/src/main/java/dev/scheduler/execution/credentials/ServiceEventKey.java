package dev.scheduler.execution.credentials;

import dev.scheduler.contracts.EventSignatures;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The key execution-service signs the execution events it publishes for its own ingest with (a
 * dispatch watchdog's MISSED), so that the ingest tells them from forgeries as it does agents'
 * events. One key for all replicas, made by the first that needs it and kept in the service's own
 * database, which no agent reaches.
 */
@Component
public class ServiceEventKey {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcClient jdbc;
  private volatile byte[] key;

  public ServiceEventKey(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The key, made now if no replica made it yet. */
  public byte[] key() {
    byte[] known = key;
    if (known == null) {
      known = EventSignatures.keyFromHash(stored());
      key = known;
    }
    return known;
  }

  private String stored() {
    var found =
        jdbc.sql("SELECT secret FROM scheduler_service_key WHERE id = 1").query(String.class);
    return found
        .optional()
        .orElseGet(
            () -> {
              byte[] secret = new byte[32];
              RANDOM.nextBytes(secret);
              try {
                jdbc.sql("INSERT INTO scheduler_service_key (id, secret) VALUES (1, ?)")
                    .param(HexFormat.of().formatHex(secret))
                    .update();
              } catch (DuplicateKeyException e) {
                // another replica made it first: use that one
              }
              return jdbc.sql("SELECT secret FROM scheduler_service_key WHERE id = 1")
                  .query(String.class)
                  .single();
            });
  }
}
