package dev.scheduler.agent.run;

import dev.scheduler.agent.AgentProperties;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/**
 * The execution guard in Redis: one key per attempt of an execution. Taking it is {@code SET NX PX}
 * with this node's id; it is renewed while the execution is held here. Once the broker stored the
 * attempt's start it becomes {@code <node>|started} for a day: from then on execution-service knows
 * the attempt ran here and fails it over as a new attempt if this node dies, so a redelivery of the
 * fire must not run it again. Before that, a node that dies leaves a key that lapses within its
 * TTL, after which a redelivery runs the fire. When the attempt ends the key is replaced by a DONE
 * marker that keeps a redelivered duplicate out for a day. Renewal and marking check the owner, so
 * an agent whose guard expired (it stalled) cannot overwrite another's.
 */
public class ExecutionGuard implements AutoCloseable {

  static final String PREFIX = "scheduler:guard:";
  static final String STARTED = "|started";

  /**
   * Opens every script: {@code v} is the key's value, {@code started} what it reads once this node
   * (ARGV[1]) marked the attempt started. Renewal and marking act only on this node's own key.
   */
  private static final String HOLDER =
      "local v = redis.call('get', KEYS[1]) local started = ARGV[1] .. '" + STARTED + "'";

  private static final String RENEW =
      HOLDER
          + " if v == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2])"
          + " elseif v == started then return 1 else return 0 end";
  private static final String MARK_STARTED =
      HOLDER
          + " if v == ARGV[1] then redis.call('set', KEYS[1], started, 'PX', ARGV[2]) return 1"
          + " else return 0 end";
  private static final String MARK_DONE =
      HOLDER
          + " if v == ARGV[1] or v == started then"
          + " redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 else return 0 end";

  /** Redis did not answer: the fire must not run unguarded, and is put back to the broker. */
  public static class GuardUnavailableException extends RuntimeException {
    GuardUnavailableException(Throwable cause) {
      super("execution guard unavailable: " + cause.getMessage(), cause);
    }
  }

  private final RedisClient client;
  private StatefulRedisConnection<String, String> connection;
  private final String nodeId;
  private final Duration ttl;
  private final Duration doneTtl;

  public ExecutionGuard(AgentProperties properties, String nodeId) {
    RedisURI uri = RedisURI.create(properties.redis().url());
    uri.setTimeout(properties.redis().commandTimeout());
    this.client = RedisClient.create(uri);
    this.nodeId = nodeId;
    this.ttl = properties.guardTtl();
    this.doneTtl = properties.doneTtl();
  }

  /** Every third of the guard's life: how often a running execution renews it. */
  public Duration renewEvery() {
    return ttl.dividedBy(3);
  }

  /** What an agent found when it went for the guard of an attempt. */
  public enum Take {
    /** It holds the guard now. */
    TAKEN,
    /** The guard already names this node: a delivery it holds, or one of its previous life. */
    MINE,
    /** The attempt ran, or its start is on record (a dead node's start is failed over). */
    DONE,
    /** Another node holds it: it runs there, or that node died and the guard will expire. */
    ELSEWHERE
  }

  /** Takes the guard of an attempt if nobody holds it. */
  public Take take(String attemptKey) {
    String key = PREFIX + attemptKey;
    try {
      // A duplicate delivery is rare: SET NX alone is the common path, one round trip.
      for (int tries = 0; tries < 2; tries++) {
        if ("OK".equals(commands().set(key, nodeId, SetArgs.Builder.nx().px(ttl.toMillis())))) {
          return Take.TAKEN;
        }
        String holder = commands().get(key);
        if (holder != null) {
          if (holder.startsWith("DONE:") || holder.endsWith(STARTED)) {
            return Take.DONE;
          }
          return holder.equals(nodeId) ? Take.MINE : Take.ELSEWHERE;
        }
        // expired between the two commands: try once more
      }
      return Take.ELSEWHERE;
    } catch (RuntimeException e) {
      throw new GuardUnavailableException(e);
    }
  }

  /** Extends the guard of a running attempt; false if this node no longer holds it. */
  public boolean renew(String attemptKey) {
    Long renewed =
        commands()
            .eval(
                RENEW,
                ScriptOutputType.INTEGER,
                new String[] {PREFIX + attemptKey},
                nodeId,
                Long.toString(ttl.toMillis()));
    return renewed != null && renewed == 1L;
  }

  /**
   * Marks an attempt whose start the broker stored, without waiting for Redis: a failure leaves the
   * plain guard, which at worst lets a redelivery after this node's death run it once more.
   */
  public void markStartedLater(String attemptKey) {
    try {
      asyncCommands()
          .eval(
              MARK_STARTED,
              ScriptOutputType.INTEGER,
              new String[] {PREFIX + attemptKey},
              nodeId,
              Long.toString(doneTtl.toMillis()));
    } catch (RuntimeException e) {
      // Redis away: the guard stays as taken
    }
  }

  /** Replaces the guard of a finished attempt by its DONE marker. */
  public void markDone(String attemptKey, String outcome) {
    commands()
        .eval(
            MARK_DONE,
            ScriptOutputType.INTEGER,
            new String[] {PREFIX + attemptKey},
            nodeId,
            "DONE:" + outcome,
            Long.toString(doneTtl.toMillis()));
  }

  /** What the guard of an attempt holds: a node id while running, DONE:... after, null if none. */
  public String state(String attemptKey) {
    return commands().get(PREFIX + attemptKey);
  }

  /**
   * Connects on first use, not at startup: the business application must start even while Redis is
   * away (fires wait in the broker meanwhile). Lettuce reconnects a connection it once made.
   */
  private synchronized RedisCommands<String, String> commands() {
    return connection().sync();
  }

  private synchronized RedisAsyncCommands<String, String> asyncCommands() {
    return connection().async();
  }

  private synchronized StatefulRedisConnection<String, String> connection() {
    if (connection == null) {
      connection = client.connect();
    }
    return connection;
  }

  @Override
  public synchronized void close() {
    if (connection != null) {
      connection.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
