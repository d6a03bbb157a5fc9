package dev.scheduler.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A database of its own for one test class, on a real MySQL/MariaDB server.
 *
 * @param name the schema name
 * @param jdbcUrl a {@code jdbc:mysql:} URL for mysql-connector-j, sessions in UTC
 * @param username a user that owns the schema
 * @param password its password
 */
public record TestDatabase(String name, String jdbcUrl, String username, String password) {

  /** A new connection to this database; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, username, password);
  }
}
