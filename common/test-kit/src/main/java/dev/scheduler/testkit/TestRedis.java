package dev.scheduler.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.testcontainers.containers.GenericContainer;

/**
 * The Redis of the tests: a Testcontainers Redis when a Docker engine is reachable, else the server
 * named by {@link ServerSettings}.
 */
public final class TestRedis {

  private static RedisEndpoint endpoint;

  private TestRedis() {}

  /**
   * The endpoint, started or checked on first use.
   *
   * @throws IllegalStateException when no Redis is reachable, saying what to start
   */
  public static synchronized RedisEndpoint endpoint() {
    if (endpoint == null) {
      endpoint = start(ServerSettings.fromEnvironment());
    }
    return endpoint;
  }

  static RedisEndpoint start(ServerSettings settings) {
    if (Docker.usableFor(settings)) {
      GenericContainer<?> container =
          new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
      container.start();
      return new RedisEndpoint(container.getHost(), container.getMappedPort(6379));
    }
    RedisEndpoint local = new RedisEndpoint(settings.redisHost(), settings.redisPort());
    requirePong(local);
    return local;
  }

  /** Sends PING without a client library, so that the check itself has no moving parts. */
  static void requirePong(RedisEndpoint redis) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(redis.host(), redis.port()), 3_000);
      socket.setSoTimeout(3_000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(7);
      String text = new String(reply, StandardCharsets.US_ASCII);
      if (!text.startsWith("+PONG")) {
        throw new IOException("answered '" + text.trim() + "' to PING");
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "Integration tests need Redis, and none could be had: no Docker engine is reachable"
              + " for Testcontainers, and "
              + redis.host()
              + ":"
              + redis.port()
              + " did not answer PING ("
              + e.getMessage()
              + "). Start the local server (bash .ci/run starts or installs it) or point"
              + " SCHEDULER_TEST_REDIS_HOST/_PORT at one.",
          e);
    }
  }
}
