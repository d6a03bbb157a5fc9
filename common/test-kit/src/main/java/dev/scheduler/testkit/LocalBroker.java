package dev.scheduler.testkit;

import java.nio.file.Path;

/**
 * Runs the in-process RocketMQ name server and broker as a process of its own for the local stack:
 * {@code LocalBroker <name server port> <storage folder>}. Stops with the process.
 */
public final class LocalBroker {

  private LocalBroker() {}

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 9876;
    Path home = Path.of(args.length > 1 ? args[1] : "rocketmq");
    EmbeddedRocketMq broker = EmbeddedRocketMq.start(port, home.toAbsolutePath());
    Runtime.getRuntime().addShutdownHook(new Thread(broker::stopKeepingStore, "local-broker-stop"));
    System.out.println("RocketMQ name server listening on " + broker.nameServerAddress());
    Thread.currentThread().join();
  }
}
