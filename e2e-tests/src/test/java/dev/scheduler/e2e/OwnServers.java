package dev.scheduler.e2e;

import static org.awaitility.Awaitility.await;

import dev.scheduler.testkit.FreePorts;
import dev.scheduler.testkit.RedisEndpoint;
import dev.scheduler.testkit.TestDatabase;
import dev.scheduler.testkit.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Servers a test starts for itself so that it can restart them: a MariaDB server on a data
 * directory of its own, a Redis (which, restarted, has lost its data), and the RocketMQ name server
 * and broker in a process of their own (restarted on the same store). Each listens on a free
 * loopback port and is stopped with the test.
 */
final class OwnServers {

  private OwnServers() {}

  /** A process started again with the same command; stopped with SIGTERM, then SIGKILL. */
  abstract static class Restartable implements AutoCloseable {
    final String name;
    final int port;
    final Path log;
    int starts;
    private Process process;

    Restartable(String name, int port) {
      this.name = name;
      this.port = port;
      this.log = Path.of("target", "e2e-logs", name + ".log");
    }

    abstract List<String> command();

    void start() {
      starts++;
      try {
        Files.createDirectories(log.getParent());
        process =
            new ProcessBuilder(command())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + name, e);
      }
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(this::ready);
    }

    /** Whether it answers; by default, whether its port takes connections. */
    boolean ready() {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    void stop() {
      if (process != null) {
        ServiceProcess.stop(process);
        process = null;
      }
    }

    @Override
    public void close() {
      stop();
    }
  }

  /** A MariaDB server of the test's own, {@code root} without a password. */
  static final class MariaDb extends Restartable {
    private final Path data;

    MariaDb(Path home) {
      super("own-mariadb", FreePorts.any());
      this.data = home.toAbsolutePath().resolve("data");
      List<String> install =
          new ArrayList<>(
              List.of(
                  "mariadb-install-db",
                  "--no-defaults",
                  "--datadir=" + data,
                  "--auth-root-authentication-method=normal",
                  "--skip-test-db"));
      install.addAll(asRoot());
      run(install);
    }

    @Override
    List<String> command() {
      List<String> command =
          new ArrayList<>(
              List.of(
                  "/usr/sbin/mariadbd",
                  "--no-defaults",
                  "--datadir=" + data,
                  "--port=" + port,
                  "--bind-address=127.0.0.1",
                  "--socket=" + data.resolve("mariadb.sock"),
                  "--pid-file=" + data.resolve("mariadb.pid"),
                  "--skip-log-bin",
                  "--innodb-buffer-pool-size=128M",
                  "--max-connections=300"));
      command.addAll(asRoot());
      return command;
    }

    /** A new empty database on this server. */
    TestDatabase database(String label) {
      return TestDatabases.createOnMariaDb("127.0.0.1", port, label);
    }

    private static List<String> asRoot() {
      return "root".equals(System.getProperty("user.name")) ? List.of("--user=root") : List.of();
    }

    private static void run(List<String> command) {
      try {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
          throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** A Redis of the test's own that keeps nothing on disk: restarted, it is empty. */
  static final class Redis extends Restartable {
    Redis() {
      super("own-redis", FreePorts.any());
    }

    @Override
    List<String> command() {
      return List.of(
          "redis-server",
          "--port",
          Integer.toString(port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "no");
    }

    RedisEndpoint endpoint() {
      return new RedisEndpoint("127.0.0.1", port);
    }
  }

  /** The RocketMQ name server and broker in a process of their own, on a store kept across. */
  static final class Broker extends Restartable {
    private final Path store;

    Broker(Path home) {
      super("own-rocketmq", FreePorts.any());
      this.store = home.toAbsolutePath().resolve("rocketmq");
    }

    @Override
    List<String> command() {
      return List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m",
          "-XX:MaxDirectMemorySize=128m",
          "-XX:+UseSerialGC",
          "-cp",
          System.getProperty("java.class.path"),
          "dev.scheduler.testkit.LocalBroker",
          Integer.toString(port),
          store.toString());
    }

    String nameServer() {
      return "127.0.0.1:" + port;
    }

    /** Ready once the process said so as often as it was started (its log is appended to). */
    @Override
    boolean ready() {
      try {
        long said =
            Files.readAllLines(log).stream()
                .filter(line -> line.contains("RocketMQ name server listening"))
                .count();
        return said >= starts;
      } catch (IOException e) {
        return false;
      }
    }
  }
}
