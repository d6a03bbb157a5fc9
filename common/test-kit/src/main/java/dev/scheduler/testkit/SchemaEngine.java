package dev.scheduler.testkit;

import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * The databases a service's Flyway migrations must run on: MySQL/MariaDB in production, H2 in MySQL
 * mode as the embedded default of the local stack.
 */
public enum SchemaEngine {
  MARIADB {
    @Override
    TestDatabase fresh(String label) {
      return TestDatabases.create(label);
    }
  },
  H2_MYSQL_MODE {
    @Override
    TestDatabase fresh(String label) {
      String name = "h2_" + label + "_" + UUID.randomUUID().toString().substring(0, 8);
      // The same options as the services' embedded default datasource.
      return new TestDatabase(
          name,
          "jdbc:h2:mem:" + name + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1",
          "sa",
          "");
    }
  };

  abstract TestDatabase fresh(String label);

  /**
   * A fresh database of this engine with the migrations under {@code classpath:db/migration}
   * applied.
   */
  public TestDatabase migrated(String label) {
    TestDatabase database = fresh(label);
    Flyway.configure()
        .dataSource(database.jdbcUrl(), database.username(), database.password())
        .locations("classpath:db/migration")
        .failOnMissingLocations(true)
        .load()
        .migrate();
    return database;
  }
}
