package dev.scheduler.e2e;

import dev.scheduler.testkit.RedisEndpoint;
import dev.scheduler.testkit.TestDatabase;
import dev.scheduler.testkit.TestIdentities;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Command-line arguments of the platform's processes in the end-to-end tests and benchmarks. */
final class ProcessArgs {

  private ProcessArgs() {}

  /**
   * A service's own database, and its signed identities as deployed: it takes {@code /api/**} calls
   * only with an identity signed by the test signer (the gateway's key here, and the services', who
   * sign their calls to each other with it).
   */
  static List<String> datasource(TestDatabase db) {
    return List.of(
        "--spring.datasource.url=" + db.jdbcUrl(),
        "--spring.datasource.username=" + db.username(),
        "--spring.datasource.password=" + db.password(),
        "--scheduler.identity.trusted-keys[0].id=" + TestIdentities.KEY_ID,
        "--scheduler.identity.trusted-keys[0].public-key=" + TestIdentities.publicKey(),
        "--scheduler.identity.key-id=" + TestIdentities.KEY_ID,
        "--scheduler.identity.private-key=" + TestIdentities.privateKey());
  }

  /**
   * execution-service on its own database, taking the agents of the apps whose {@code credentials}
   * it is given (by their hashes, as configured credentials) and no shared agent token.
   */
  static List<String> executionService(TestDatabase db, String nameServer, String... credentials) {
    List<String> hashes = new ArrayList<>();
    for (String credential : credentials) {
      hashes.add(credential.split("\\.")[1] + ":" + AppCredentials.sha256(credential));
    }
    return with(
        datasource(db),
        "--rocketmq.name-server=" + nameServer,
        "--scheduler.execution.agent-credentials.hashes=" + String.join(",", hashes));
  }

  /** A job-service replica of Quartz cluster {@code cluster} (replicas share the database). */
  static List<String> jobService(
      TestDatabase db, String nameServer, RedisEndpoint redis, String cluster, int executionsPort) {
    return with(
        datasource(db),
        "--rocketmq.name-server=" + nameServer,
        "--spring.data.redis.host=" + redis.host(),
        "--spring.data.redis.port=" + redis.port(),
        "--scheduler.job.trigger.cluster-name=" + cluster,
        "--scheduler.job.execution-service-url=http://127.0.0.1:" + executionsPort);
  }

  /** monitor-service on its own database, asking the other services at their ports. */
  static List<String> monitorService(
      TestDatabase db, String nameServer, int jobsPort, int executionsPort) {
    return with(
        datasource(db),
        "--rocketmq.name-server=" + nameServer,
        "--scheduler.monitor.job-service-url=http://127.0.0.1:" + jobsPort,
        "--scheduler.monitor.execution-service-url=http://127.0.0.1:" + executionsPort);
  }

  /**
   * A sample-app agent named {@code nodeId}, heartbeating into execution-service on its port with
   * its app's {@code credential}.
   */
  static List<String> agent(
      String nodeId, String nameServer, int executionsPort, String credential) {
    return List.of(
        "--scheduler.agent.node-id=" + nodeId,
        "--scheduler.agent.name-server=" + nameServer,
        "--scheduler.agent.registry.url=http://127.0.0.1:" + executionsPort,
        "--scheduler.agent.registry.token=" + credential);
  }

  /**
   * The gateway, rate-limiting each key to {@code requestsPerSecond} (bursts of {@code burst})
   * under its own Redis key prefix, routing to the services at the given ports by their names. It
   * runs in the local profile, so the local stack's admin key is accepted.
   */
  static List<String> gateway(
      RedisEndpoint redis,
      String keyPrefix,
      int requestsPerSecond,
      int burst,
      Map<String, Integer> servicePorts) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--spring.profiles.active=local",
                "--spring.data.redis.host=" + redis.host(),
                "--spring.data.redis.port=" + redis.port(),
                "--scheduler.gateway.rate-limit.redis-key-prefix=" + keyPrefix,
                "--scheduler.gateway.rate-limit.defaults.requests=" + requestsPerSecond,
                "--scheduler.gateway.rate-limit.defaults.burst=" + burst,
                "--scheduler.gateway.identity.key-id=" + TestIdentities.KEY_ID,
                "--scheduler.gateway.identity.private-key=" + TestIdentities.privateKey()));
    servicePorts.forEach(
        (service, port) ->
            args.add(
                "--spring.cloud.discovery.client.simple.instances."
                    + service
                    + "[0].uri=http://127.0.0.1:"
                    + port));
    return args;
  }

  /** {@code first} followed by {@code more}. */
  static List<String> with(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return all;
  }
}
