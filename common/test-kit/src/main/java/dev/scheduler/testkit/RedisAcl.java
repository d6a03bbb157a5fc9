package dev.scheduler.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis ACL rules the deployment files give the platform's own Redis users (beside {@code user
 * default off}, so that nobody without a user of the platform gets in): each may run the commands
 * it needs on its own keys only. Agents get no Redis user at all: they keep no state there. The
 * tests run the services under these rules, and check that the deployment files carry them.
 */
public final class RedisAcl {

  /**
   * Connecting (HELLO, AUTH, naming the client) and the health check (PING, INFO), but no power
   * over other clients. Valid from Redis 7.0 on (7.2 adds CLIENT SETINFO to the category).
   */
  private static final String CONNECT =
      "resetchannels -@all +@connection -client|kill -client|pause -client|unpause -client|list"
          + " -client|unblock -client|no-evict -client|reply -client|tracking +info";

  /** job-service: the job cache ({@code scheduler:<cluster>:job:<id>}). */
  public static final String JOB_SERVICE =
      "~scheduler:*:job:* " + CONNECT + " +get +mget +set +del +exists";

  /**
   * The gateway: the callers' rate-limit buckets, which Spring Cloud Gateway keeps under {@code
   * request_rate_limiter.{<limit>.<prefix><caller>}.*} and updates in a Lua script.
   */
  public static final String GATEWAY =
      "~request_rate_limiter.{*.scheduler:gateway:* "
          + CONNECT
          + " +evalsha +eval +script|load +get +set +setex +time";

  private RedisAcl() {}

  /**
   * Creates (or resets) the user {@code name} on the test Redis, with {@code password} and {@code
   * rules} (space-separated ACL rules, e.g. {@link #JOB_SERVICE}).
   */
  public static void setUser(String name, String password, String rules) {
    List<String> words = new ArrayList<>(List.of("ACL", "SETUSER", name, "reset", "on"));
    words.add(">" + password);
    words.addAll(List.of(rules.split(" ")));
    send(words);
  }

  /** Removes the user {@code name} from the test Redis. */
  public static void deleteUser(String name) {
    send(List.of("ACL", "DELUSER", name));
  }

  /** One command in Redis's own protocol, without a client library; fails on an error reply. */
  private static void send(List<String> words) {
    RedisEndpoint redis = TestRedis.endpoint();
    try (Socket socket = new Socket(redis.host(), redis.port())) {
      socket.setSoTimeout(3_000);
      StringBuilder command = new StringBuilder("*").append(words.size()).append("\r\n");
      for (String word : words) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        command.append('$').append(bytes.length).append("\r\n").append(word).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(command.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      String reply =
          new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      if (reply == null || reply.startsWith("-")) {
        throw new IllegalStateException(words.subList(0, 2) + " answered " + reply);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
