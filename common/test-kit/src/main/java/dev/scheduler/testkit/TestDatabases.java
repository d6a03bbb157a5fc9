package dev.scheduler.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
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

  /**
   * Sessions in UTC, instants kept whatever the JVM's zone, batched inserts rewritten. MariaDB gets
   * its own driver: mysql-connector-j sees MariaDB 10.x as "MySQL 5.5.5" and silently drops the
   * milliseconds of every timestamp it sends.
   */
  private static final String URL_OPTIONS =
      "?connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true&preserveInstants=true"
          + "&rewriteBatchedStatements=true&connectTimeout=5000";

  private static final String MYSQL_ONLY_OPTIONS = "&useSSL=false&allowPublicKeyRetrieval=true";

  /** Batches in one round trip, as rewriteBatchedStatements does for mysql-connector-j. */
  private static final String MARIADB_ONLY_OPTIONS = "&useBulkStmts=true";

  private static Server server;

  /** Test databases older than this are left over from earlier runs and dropped. */
  private static final Duration LEFTOVER_AGE = Duration.ofHours(3);

  private TestDatabases() {}

  /**
   * Creates an empty database whose name starts with {@code sched_} and contains {@code label}.
   *
   * @throws IllegalStateException when no server is reachable, saying what to start
   */
  public static synchronized TestDatabase create(String label) {
    return createOn(server(), label);
  }

  /**
   * Creates an empty database as {@link #create} does, on the MariaDB server at {@code host:port}
   * that lets {@code root} in without a password (one a test started for itself, to restart it).
   */
  public static TestDatabase createOnMariaDb(String host, int port, String label) {
    return createOn(new Server("mariadb", host, port, "root", ""), label);
  }

  private static TestDatabase createOn(Server target, String label) {
    String name = databaseName(label);
    try (Connection admin = target.connectAdmin();
        Statement statement = admin.createStatement()) {
      statement.execute(
          "CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return new TestDatabase(name, target.urlOf(name), target.user(), target.password());
  }

  static String databaseName(String label) {
    String clean = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    if (clean.length() > 40) {
      clean = clean.substring(0, 40);
    }
    return "sched_"
        + clean
        + "_"
        + Long.toString(System.currentTimeMillis() / 1000, 36)
        + "_"
        + UUID.randomUUID().toString().substring(0, 4);
  }

  /** When a database of {@link #databaseName} was made, null for other names. */
  static Instant createdAt(String name) {
    String[] parts = name.split("_");
    if (parts.length < 4 || !name.startsWith("sched_")) {
      return null;
    }
    try {
      return Instant.ofEpochSecond(Long.parseLong(parts[parts.length - 2], 36));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Server server() {
    if (server == null) {
      server = startServer(ServerSettings.fromEnvironment());
      // Test databases are dropped by a later test run, not at this JVM's exit: at exit the
      // application contexts still using them close concurrently with any shutdown hook, and a
      // context whose database vanished under it logs errors and stalls its shutdown.
      dropOlderThan(LEFTOVER_AGE);
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
      return new Server(
          "mariadb", container.getHost(), container.getMappedPort(3306), "root", "test");
    }
    Server local =
        new Server(
            "mysql",
            settings.dbHost(),
            settings.dbPort(),
            settings.dbUser(),
            settings.dbPassword());
    return local.requireReachable();
  }

  private static void dropOlderThan(Duration age) {
    Instant before = Instant.now().minus(age);
    try (Connection admin = server.connectAdmin();
        Statement statement = admin.createStatement()) {
      List<String> old = new ArrayList<>();
      try (ResultSet names = statement.executeQuery("SHOW DATABASES LIKE 'sched\\_%'")) {
        while (names.next()) {
          Instant created = createdAt(names.getString(1));
          if (created != null && created.isBefore(before)) {
            old.add(names.getString(1));
          }
        }
      }
      for (String name : old) {
        statement.execute("DROP DATABASE IF EXISTS `" + name + "`");
      }
    } catch (SQLException e) {
      System.err.println("could not drop old test databases: " + e.getMessage());
    }
  }

  /** A server and the JDBC subprotocol of its driver: {@code mariadb} or {@code mysql}. */
  record Server(String subprotocol, String host, int port, String user, String password) {

    String urlOf(String database) {
      String url = "jdbc:" + subprotocol + "://" + host + ":" + port + "/" + database + URL_OPTIONS;
      return url + (subprotocol.equals("mysql") ? MYSQL_ONLY_OPTIONS : MARIADB_ONLY_OPTIONS);
    }

    Connection connectAdmin() throws SQLException {
      return DriverManager.getConnection(urlOf(""), user, password);
    }

    /** This server, with the driver that fits it, when it answers; fails saying what to start. */
    Server requireReachable() {
      try (Connection connection = connectAdmin()) {
        String version = connection.getMetaData().getDatabaseProductVersion();
        return version.contains("MariaDB")
            ? new Server("mariadb", host, port, user, password)
            : this;
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
