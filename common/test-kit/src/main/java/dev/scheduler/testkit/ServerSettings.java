package dev.scheduler.testkit;

import java.util.Locale;
import java.util.Map;

/**
 * Where the test servers come from, read from the environment.
 *
 * <ul>
 *   <li>{@code SCHEDULER_TEST_SERVERS}: {@code auto} (default: Testcontainers when a Docker engine
 *       is reachable, else local servers), {@code docker} or {@code local}
 *   <li>{@code SCHEDULER_TEST_DB_HOST}, {@code _PORT}, {@code _USER}, {@code _PASSWORD}: the local
 *       MySQL/MariaDB (default 127.0.0.1, 3306, root, empty); the user must be allowed to create
 *       and drop databases
 *   <li>{@code SCHEDULER_TEST_REDIS_HOST}, {@code _PORT}: the local Redis (default 127.0.0.1, 6379)
 * </ul>
 */
public record ServerSettings(
    Mode mode,
    String dbHost,
    int dbPort,
    String dbUser,
    String dbPassword,
    String redisHost,
    int redisPort) {

  /** Where servers come from. */
  public enum Mode {
    AUTO,
    DOCKER,
    LOCAL
  }

  /** The settings of this process's environment. */
  public static ServerSettings fromEnvironment() {
    return from(System.getenv());
  }

  /** The settings named in {@code env}, with defaults for what it does not name. */
  public static ServerSettings from(Map<String, String> env) {
    return new ServerSettings(
        Mode.valueOf(env.getOrDefault("SCHEDULER_TEST_SERVERS", "auto").toUpperCase(Locale.ROOT)),
        env.getOrDefault("SCHEDULER_TEST_DB_HOST", "127.0.0.1"),
        Integer.parseInt(env.getOrDefault("SCHEDULER_TEST_DB_PORT", "3306")),
        env.getOrDefault("SCHEDULER_TEST_DB_USER", "root"),
        env.getOrDefault("SCHEDULER_TEST_DB_PASSWORD", ""),
        env.getOrDefault("SCHEDULER_TEST_REDIS_HOST", "127.0.0.1"),
        Integer.parseInt(env.getOrDefault("SCHEDULER_TEST_REDIS_PORT", "6379")));
  }
}
