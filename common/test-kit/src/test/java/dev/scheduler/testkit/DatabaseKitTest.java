package dev.scheduler.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.TimeZone;
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
    jdbc.execute("DROP TABLE IF EXISTS fire_times");
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
  void timestamps_keep_their_instant_and_milliseconds_whatever_the_jvm_zone() {
    Instant due = Instant.parse("2026-03-29T01:00:00.123Z");
    TimeZone jvmZone = TimeZone.getDefault();
    jdbc.execute("CREATE TABLE fire_times (due DATETIME(3) NOT NULL)");
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("Asia/Shanghai"));
      jdbc.update("INSERT INTO fire_times (due) VALUES (?)", Timestamp.from(due));

      assertThat(jdbc.queryForObject("SELECT CAST(due AS CHAR) FROM fire_times", String.class))
          .isEqualTo("2026-03-29 01:00:00.123");
      assertThat(jdbc.queryForObject("SELECT due FROM fire_times", Timestamp.class).toInstant())
          .isEqualTo(due);
    } finally {
      TimeZone.setDefault(jvmZone);
    }
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
