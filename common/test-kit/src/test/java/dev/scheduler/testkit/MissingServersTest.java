package dev.scheduler.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without Docker and without local servers, tests must fail loudly and say what to start. */
class MissingServersTest {

  private final ServerSettings nothingListens =
      ServerSettings.from(
          Map.of(
              "SCHEDULER_TEST_SERVERS", "local",
              "SCHEDULER_TEST_DB_PORT", String.valueOf(FreePorts.any()),
              "SCHEDULER_TEST_REDIS_PORT", String.valueOf(FreePorts.any())));

  @Test
  void no_database_fails_with_what_to_start() {
    assertThatThrownBy(() -> TestDatabases.startServer(nothingListens))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("need MySQL or MariaDB")
        .hasMessageContaining("SCHEDULER_TEST_DB_HOST");
  }

  @Test
  void no_redis_fails_with_what_to_start() {
    assertThatThrownBy(() -> TestRedis.start(nothingListens))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("need Redis")
        .hasMessageContaining("SCHEDULER_TEST_REDIS_HOST");
  }

  @Test
  void defaults_point_at_the_local_servers() {
    ServerSettings defaults = ServerSettings.from(Map.of());

    assertThat(defaults.mode()).isEqualTo(ServerSettings.Mode.AUTO);
    assertThat(defaults.dbHost()).isEqualTo("127.0.0.1");
    assertThat(defaults.dbPort()).isEqualTo(3306);
    assertThat(defaults.dbUser()).isEqualTo("root");
    assertThat(defaults.redisPort()).isEqualTo(6379);
  }
}
