package dev.scheduler.testkit;

import com.github.fppt.jedismock.RedisServer;
import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.operations.server.MockExecutor;
import com.github.fppt.jedismock.server.Response;
import com.github.fppt.jedismock.server.ServiceOptions;
import com.github.fppt.jedismock.storage.OperationExecutorState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis for the local stack on a machine that runs none: {@code LocalRedis <port>}. It is
 * jedis-mock's in-memory server, a Java implementation of the Redis protocol with the commands and
 * Lua scripting the suite uses (the job cache, the gateway's rate limit, the agents' execution
 * guard); nothing is kept on disk. Production and the tests use a real Redis. Stops with the
 * process.
 */
public final class LocalRedis {

  /**
   * What INFO answers: jedis-mock's own answer names no version, and Spring Boot's Redis health
   * check reads {@code redis_version}, so the services would never report healthy.
   */
  private static final Slice INFO =
      Response.bulkString(
          Slice.create("# Server\r\nredis_version:7.0.0\r\nredis_mode:standalone\r\n"));

  /**
   * A no-op since Redis 7 that jedis-mock's Lua lacks; the gateway's rate limit script calls it.
   */
  private static final String REPLICATE_COMMANDS = "redis.replicate_commands()";

  private LocalRedis() {}

  private static Slice execute(OperationExecutorState state, String command, List<Slice> params) {
    if ("info".equalsIgnoreCase(command)) {
      return INFO;
    }
    if ("eval".equalsIgnoreCase(command)
        && !params.isEmpty()
        && params.get(0).toString().contains(REPLICATE_COMMANDS)) {
      List<Slice> adapted = new ArrayList<>(params);
      adapted.set(0, Slice.create(params.get(0).toString().replace(REPLICATE_COMMANDS, "")));
      return MockExecutor.proceed(state, command, adapted);
    }
    return MockExecutor.proceed(state, command, params);
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 6379;
    RedisServer server =
        RedisServer.newRedisServer(port)
            .setOptions(ServiceOptions.withInterceptor(LocalRedis::execute))
            .start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.stop();
                  } catch (IOException e) {
                    // the process ends anyway
                  }
                },
                "local-redis-stop"));
    System.out.println("Redis (in-memory, jedis-mock) listening on port " + server.getBindPort());
    Thread.currentThread().join();
  }
}
