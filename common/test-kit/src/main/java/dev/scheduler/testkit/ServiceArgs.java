package dev.scheduler.testkit;

import java.util.ArrayList;
import java.util.List;

/** Command-line arguments for starting a service of the platform inside a test or benchmark. */
public final class ServiceArgs {

  private ServiceArgs() {}

  /**
   * A random port, no banner, the given database and broker, then {@code extra}.
   *
   * @param db the service's database
   * @param nameServer the broker's name server
   * @param extra further {@code --name=value} arguments
   */
  public static String[] of(TestDatabase db, String nameServer, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--spring.datasource.url=" + db.jdbcUrl(),
                "--spring.datasource.username=" + db.username(),
                "--spring.datasource.password=" + db.password(),
                "--rocketmq.name-server=" + nameServer));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }
}
