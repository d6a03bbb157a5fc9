package dev.scheduler.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

@SpringBootTest(
    classes = DatabaseKitTest.App.class,
    properties = {"spring.main.banner-mode=off", "spring.flyway.enabled=false"})
@RealServers(redis = false, rocketmq = false)
class DatabaseKitTest {

  @Autowired JdbcTemplate jdbc;

  @Test
  void the_test_class_gets_a_fresh_empty_database_of_its_own() {
    String name = jdbc.queryForObject("SELECT DATABASE()", String.class);

    assertThat(name).startsWith("sched_databasekittest_");
    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?",
                Integer.class,
                name))
        .isZero();
  }

  @Test
  void sessions_run_in_utc_so_stored_times_are_utc() {
    assertThat(jdbc.queryForObject("SELECT @@session.time_zone", String.class))
        .isIn("+00:00", "UTC");
  }

  @Test
  void every_database_handed_out_is_a_different_one() throws Exception {
    TestDatabase first = TestDatabases.create("kit");
    TestDatabase second = TestDatabases.create("kit");

    assertThat(first.name()).isNotEqualTo(second.name());
    try (Connection connection = first.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE only_in_first (id INT)");
    }
    try (Connection connection = second.connect();
        Statement statement = connection.createStatement();
        ResultSet tables = statement.executeQuery("SHOW TABLES")) {
      assertThat(tables.next()).isFalse();
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}
}
