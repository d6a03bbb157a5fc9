package dev.scheduler.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.testcontainers.containers.MariaDBContainer;

/**
 * Hands out fresh, empty databases on a real MySQL/MariaDB server: a Testcontainers MariaDB when a
 * Docker engine is reachable, else the server named by {@link ServerSettings}. The databases made
 * by this JVM are dropped when it exits.
 */
public final class TestDatabases {

  private static final String URL_OPTIONS =
      "?connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true"
          + "&useSSL=false&allowPublicKeyRetrieval=true&rewriteBatchedStatements=true"
          + "&connectTimeout=5000";

  private static Server server;
  private static final List<String> created = new ArrayList<>();

  private TestDatabases() {}

  /**
   * Creates an empty database whose name starts with {@code sched_} and contains {@code label}.
   *
   * @throws IllegalStateException when no server is reachable, saying what to start
   */
  public static synchronized TestDatabase create(String label) {
    Server target = server();
    String name = databaseName(label);
    try (Connection admin = target.connectAdmin();
        Statement statement = admin.createStatement()) {
      statement.execute(
          "CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    created.add(name);
    return new TestDatabase(name, target.urlOf(name), target.user(), target.password());
  }

  static String databaseName(String label) {
    String clean = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    if (clean.length() > 40) {
      clean = clean.substring(0, 40);
    }
    return "sched_" + clean + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static Server server() {
    if (server == null) {
      server = startServer(ServerSettings.fromEnvironment());
      Runtime.getRuntime().addShutdownHook(new Thread(TestDatabases::dropCreated, "drop-test-dbs"));
    }
    return server;
  }

  static Server startServer(ServerSettings settings) {
    if (Docker.usableFor(settings)) {
      MariaDBContainer<?> container =
          new MariaDBContainer<>("mariadb:10.11")
              .withUsername("root")
              .withPassword("test")
              .withCommand(
                  "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci");
      container.start();
      return new Server(container.getHost(), container.getMappedPort(3306), "root", "test");
    }
    Server local =
        new Server(settings.dbHost(), settings.dbPort(), settings.dbUser(), settings.dbPassword());
    local.requireReachable();
    return local;
  }

  private static synchronized void dropCreated() {
    try (Connection admin = server.connectAdmin();
        Statement statement = admin.createStatement()) {
      for (String name : created) {
        statement.execute("DROP DATABASE IF EXISTS `" + name + "`");
      }
    } catch (SQLException e) {
      System.err.println("could not drop test databases " + created + ": " + e.getMessage());
    }
  }

  record Server(String host, int port, String user, String password) {

    String urlOf(String database) {
      return "jdbc:mysql://" + host + ":" + port + "/" + database + URL_OPTIONS;
    }

    Connection connectAdmin() throws SQLException {
      return DriverManager.getConnection(urlOf(""), user, password);
    }

    void requireReachable() {
      try (Connection ignored = connectAdmin()) {
        // reachable and the credentials work
      } catch (SQLException e) {
        throw new IllegalStateException(
            "Integration tests need MySQL or MariaDB, and none could be had: no Docker engine is"
                + " reachable for Testcontainers, and "
                + user
                + "@"
                + host
                + ":"
                + port
                + " refused ("
                + e.getMessage()
                + "). Start the local server (bash .ci/run starts or installs it) or point"
                + " SCHEDULER_TEST_DB_HOST/_PORT/_USER/_PASSWORD at one that lets this user"
                + " create databases.",
            e);
      }
    }
  }
}
