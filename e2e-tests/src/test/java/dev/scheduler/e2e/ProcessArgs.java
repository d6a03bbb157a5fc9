package dev.scheduler.e2e;

import dev.scheduler.testkit.RedisEndpoint;
import dev.scheduler.testkit.TestDatabase;
import java.util.ArrayList;
import java.util.List;

/** Command-line arguments of the platform's processes in the end-to-end tests and benchmarks. */
final class ProcessArgs {

  private ProcessArgs() {}

  /** A service's own database. */
  static List<String> datasource(TestDatabase db) {
    return List.of(
        "--spring.datasource.url=" + db.jdbcUrl(),
        "--spring.datasource.username=" + db.username(),
        "--spring.datasource.password=" + db.password());
  }

  /** A sample-app agent named {@code nodeId}, heartbeating into execution-service on its port. */
  static List<String> agent(
      String nodeId, String nameServer, RedisEndpoint redis, int executionsPort, String token) {
    return List.of(
        "--scheduler.agent.node-id=" + nodeId,
        "--scheduler.agent.name-server=" + nameServer,
        "--scheduler.agent.redis.url=redis://" + redis.host() + ":" + redis.port(),
        "--scheduler.agent.registry.url=http://127.0.0.1:" + executionsPort,
        "--scheduler.agent.registry.token=" + token);
  }

  /** {@code first} followed by {@code more}. */
  static List<String> with(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return all;
  }
}
