package dev.scheduler.agent.run;

import dev.scheduler.agent.AgentProperties;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/**
 * The execution guard in Redis: one key per attempt of an execution, kept for {@code done-ttl}.
 * Taking it writes {@code <node>|until:<ms>}, a lease that the holder renews while it holds the
 * execution (Redis's clock, in scripts, so agents' clocks do not matter). Once the broker stored
 * the attempt's start it becomes {@code <node>|started}: from then on execution-service knows the
 * attempt ran here and fails it over as a new attempt if this node dies, so a redelivery of the
 * fire must not run it again. A node that dies before that leaves a lease that runs out; the next
 * delivery takes the key over and learns the attempt {@link Take#LAPSED lapsed}: it may have run on
 * the dead node without a report, so it is not run again under the same attempt but ended
 * ABANDONED, which execution-service fails over as the next attempt, on record. When the attempt
 * ends the key becomes a DONE marker that keeps a redelivered duplicate out. Renewal and marking
 * check the owner, so an agent whose lease ran out (it stalled) cannot overwrite another's. A plain
 * {@code <node>} value with a short TTL (agents before leases) is still read: held until it
 * expires.
 */
public class ExecutionGuard implements AutoCloseable {

  static final String PREFIX = "scheduler:guard:";
  static final String STARTED = "|started";
  static final String LEASE = "|until:";

  /**
   * Opens every script: {@code v} is the key's value, {@code started} what it reads once this node
   * (ARGV[1]) marked the attempt started, {@code holder} the node a lease or a plain value names
   * (null for none), {@code lease} when the lease runs out (null for a plain value). Renewal and
   * marking act only on this node's own key.
   */
  private static final String HOLDER =
      "local v = redis.call('get', KEYS[1]) local started = ARGV[1] .. '"
          + STARTED
          + "' local holder, lease = v, nil"
          + " if v then local i = string.find(v, '"
          + LEASE
          + "', 1, true) if i then holder = string.sub(v, 1, i - 1)"
          + " lease = tonumber(string.sub(v, i + "
          + LEASE.length()
          + ")) end end";

  /**
   * Follows {@link #HOLDER} in the scripts that deal in leases: {@code now}, Redis's time in ms.
   */
  private static final String NOW =
      " local t = redis.call('time')"
          + " local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)";

  /** ARGV: node, lease ms, key TTL ms. Returns TAKEN, DONE, MINE, ELSEWHERE or LAPSED:node. */
  private static final String TAKE =
      HOLDER
          + NOW
          + " local mine = ARGV[1] .. '"
          + LEASE
          + "' .. (now + tonumber(ARGV[2]))"
          + " if not v then redis.call('set', KEYS[1], mine, 'PX', ARGV[3]) return 'TAKEN' end"
          + " if string.sub(v, 1, 5) == 'DONE:' or string.sub(v, -"
          + STARTED.length()
          + ") == '"
          + STARTED
          + "' then return 'DONE' end"
          + " if lease and lease < now then"
          + " redis.call('set', KEYS[1], mine, 'PX', ARGV[3]) return 'LAPSED:' .. holder end"
          + " if holder == ARGV[1] then return 'MINE' end return 'ELSEWHERE'";

  /** ARGV: node, lease ms. */
  private static final String RENEW =
      HOLDER
          + NOW
          + " if v == started then return 1"
          + " elseif v == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2])"
          + " elseif lease and holder == ARGV[1] then redis.call('set', KEYS[1], ARGV[1] .. '"
          + LEASE
          + "' .. (now + tonumber(ARGV[2])), 'KEEPTTL') return 1 else return 0 end";

  /** ARGV: node, TTL ms. */
  private static final String MARK_STARTED =
      HOLDER
          + " if holder == ARGV[1] then redis.call('set', KEYS[1], started, 'PX', ARGV[2]) return 1"
          + " else return 0 end";

  /** ARGV: node, marker, TTL ms. */
  private static final String MARK_DONE =
      HOLDER
          + " if holder == ARGV[1] or v == started then"
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
    /** Another node holds it: it runs there, or that node died and its lease will run out. */
    ELSEWHERE,
    /**
     * This node holds it now, taken over from a node whose lease ran out before its start was on
     * record: the attempt may have run there, unreported.
     */
    LAPSED
  }

  /**
   * What an agent found at the guard of an attempt.
   *
   * @param take what it found
   * @param lapsedHolder for {@link Take#LAPSED}: the node whose lease ran out; null otherwise
   */
  public record Claim(Take take, String lapsedHolder) {}

  /** Takes the guard of an attempt if nobody holds it, or its holder's lease ran out. */
  public Claim take(String attemptKey) {
    String found;
    try {
      found =
          commands()
              .eval(
                  TAKE,
                  ScriptOutputType.VALUE,
                  new String[] {PREFIX + attemptKey},
                  nodeId,
                  Long.toString(ttl.toMillis()),
                  Long.toString(doneTtl.toMillis()));
    } catch (RuntimeException e) {
      throw new GuardUnavailableException(e);
    }
    if (found != null && found.startsWith("LAPSED:")) {
      return new Claim(Take.LAPSED, found.substring("LAPSED:".length()));
    }
    return new Claim(Take.valueOf(found), null);
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
