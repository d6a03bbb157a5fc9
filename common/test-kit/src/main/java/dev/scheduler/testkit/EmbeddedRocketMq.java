package dev.scheduler.testkit;

import dev.scheduler.contracts.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.namesrv.NamesrvConfig;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.store.config.FlushDiskType;
import org.apache.rocketmq.store.config.MessageStoreConfig;

/**
 * The real RocketMQ name server and broker (the released server code, not a fake) running inside
 * this JVM on free loopback ports with temporary storage, sized for a small machine. The platform's
 * topics exist from the start, so the first message does not wait for a route.
 */
public final class EmbeddedRocketMq implements AutoCloseable {

  private static final String CLUSTER = "EmbeddedCluster";
  private static final String BROKER = "embedded-broker";
  private static final int QUEUES_PER_TOPIC = 4;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static EmbeddedRocketMq shared;

  private final Path home;
  private final NamesrvController nameServer;
  private final BrokerController broker;
  private final String nameServerAddress;

  private EmbeddedRocketMq(
      Path home, NamesrvController nameServer, BrokerController broker, String address) {
    this.home = home;
    this.nameServer = nameServer;
    this.broker = broker;
    this.nameServerAddress = address;
  }

  /**
   * The broker of this JVM, started on first use and stopped when the JVM exits: starting and
   * stopping a broker takes seconds, so tests share one.
   */
  public static synchronized EmbeddedRocketMq shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "embedded-rocketmq-stop"));
    }
    return shared;
  }

  /** Starts a new name server and broker with the platform's topics created. */
  public static EmbeddedRocketMq start() {
    return start(FreePorts.any(), createHome());
  }

  /**
   * Starts a new name server on {@code nameServerPort} and a broker storing under {@code home},
   * with the platform's topics created.
   */
  public static EmbeddedRocketMq start(int nameServerPort, Path home) {
    // The broker only publishes its topics to a name server when it knows its own version.
    System.setProperty(
        RemotingCommand.REMOTING_VERSION_KEY, Integer.toString(MQVersion.CURRENT_VERSION));
    createDirectories(home);
    NamesrvController nameServer = startNameServer(home, nameServerPort);
    String address = "127.0.0.1:" + nameServer.getNettyServerConfig().getListenPort();
    BrokerController broker = startBroker(home, address);
    EmbeddedRocketMq mq = new EmbeddedRocketMq(home, nameServer, broker, address);
    mq.awaitRegistered();
    mq.createTopics(Topics.ALL);
    return mq;
  }

  /** {@code host:port} of the name server, for {@code rocketmq.name-server}. */
  public String nameServerAddress() {
    return nameServerAddress;
  }

  /**
   * Creates {@code topics} (a no-op for existing ones) and waits until the name server routes them.
   */
  public void createTopics(List<String> topics) {
    for (String topic : topics) {
      broker
          .getTopicConfigManager()
          .updateTopicConfig(
              new TopicConfig(
                  topic,
                  QUEUES_PER_TOPIC,
                  QUEUES_PER_TOPIC,
                  PermName.PERM_READ | PermName.PERM_WRITE));
    }
    awaitCondition(
        "topics " + topics + " routed",
        () ->
            topics.stream()
                .allMatch(t -> nameServer.getRouteInfoManager().pickupTopicRouteData(t) != null));
  }

  @Override
  public void close() {
    stopKeepingStore();
    deleteRecursively(home);
  }

  /** Stops the broker and name server, keeping the stored messages for the next start. */
  public void stopKeepingStore() {
    broker.shutdown();
    nameServer.shutdown();
  }

  /**
   * The broker's port: the one it had on this store before, so that a restarted broker is found
   * where clients knew it (they ask the name server for routes only every 30 s), else a free one
   * with its port minus two free as well (the broker's "fast" channel).
   */
  private static int brokerPort(Path home) {
    Path file = home.resolve("broker-port");
    try {
      if (Files.exists(file)) {
        return Integer.parseInt(Files.readString(file).trim());
      }
      int port = FreePorts.withFreeNeighbour(2);
      Files.writeString(file, Integer.toString(port));
      return port;
    } catch (IOException e) {
      throw new IllegalStateException("cannot keep the broker's port in " + file, e);
    }
  }

  private static Path createHome() {
    try {
      return Files.createTempDirectory("embedded-rocketmq-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the broker's storage folder", e);
    }
  }

  private static void createDirectories(Path home) {
    try {
      Files.createDirectories(home.resolve("store"));
      Files.createDirectories(home.resolve("namesrv"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the broker's storage folder " + home, e);
    }
  }

  private static NamesrvController startNameServer(Path home, int port) {
    NamesrvConfig config = new NamesrvConfig();
    config.setRocketmqHome(home.toString());
    config.setKvConfigPath(home.resolve("namesrv/kvConfig.json").toString());
    config.setConfigStorePath(home.resolve("namesrv/namesrv.properties").toString());
    config.setDefaultThreadPoolNums(2);
    config.setClientRequestThreadPoolNums(2);
    NettyServerConfig server = smallServer(port);
    NamesrvController controller = new NamesrvController(config, server, new NettyClientConfig());
    try {
      if (!controller.initialize()) {
        throw new IllegalStateException("the name server did not initialize");
      }
      controller.start();
    } catch (Exception e) {
      throw new IllegalStateException("the name server did not start", e);
    }
    return controller;
  }

  private static BrokerController startBroker(Path home, String nameServerAddress) {
    BrokerConfig config = new BrokerConfig();
    config.setBrokerClusterName(CLUSTER);
    config.setBrokerName(BROKER);
    config.setBrokerId(0);
    config.setBrokerIP1("127.0.0.1");
    config.setBrokerIP2("127.0.0.1");
    config.setNamesrvAddr(nameServerAddress);
    config.setRocketmqHome(home.toString());
    config.setAutoCreateTopicEnable(true);
    config.setDefaultTopicQueueNums(QUEUES_PER_TOPIC);
    config.setSendMessageThreadPoolNums(2);
    config.setPutMessageFutureThreadPoolNums(2);
    config.setPullMessageThreadPoolNums(4);
    config.setLitePullMessageThreadPoolNums(1);
    config.setAckMessageThreadPoolNums(1);
    config.setProcessReplyMessageThreadPoolNums(1);
    config.setQueryMessageThreadPoolNums(1);
    config.setAdminBrokerThreadPoolNums(2);
    config.setClientManageThreadPoolNums(2);
    config.setConsumerManageThreadPoolNums(2);
    config.setHeartbeatThreadPoolNums(1);
    config.setEndTransactionThreadPoolNums(1);
    config.setLoadBalanceProcessorThreadPoolNums(1);
    config.setRecoverThreadPoolNums(1);

    int port = brokerPort(home);
    config.setListenPort(port);
    NettyServerConfig server = smallServer(port);

    MessageStoreConfig store = new MessageStoreConfig();
    Path storeDir = home.resolve("store");
    store.setStorePathRootDir(storeDir.toString());
    store.setStorePathCommitLog(storeDir.resolve("commitlog").toString());
    store.setMappedFileSizeCommitLog(16 * 1024 * 1024);
    store.setMappedFileSizeConsumeQueue(30_000 * 20);
    store.setMappedFileSizeTimerLog(16 * 1024 * 1024);
    store.setMaxHashSlotNum(10_000);
    store.setMaxIndexNum(40_000);
    store.setHaListenPort(FreePorts.any());
    store.setFlushDiskType(FlushDiskType.ASYNC_FLUSH);
    store.setTimerWheelEnable(true);
    // Timer messages (retry backoffs) reach 24 h at most.
    store.setTimerMaxDelaySec((int) Duration.ofHours(25).toSeconds());
    // The timer wheel has a slot per second of 7 days whatever the longest delay (38 MB), and the
    // broker's flush compares all of it byte by byte with its file: at the default of every second
    // its thread took 2.8 % of a core at rest (0.4 % every 10 s). The flush only bounds how much of
    // the timer log a restarted broker reads again; nothing is lost.
    store.setTimerFlushIntervalMs((int) Duration.ofSeconds(10).toMillis());
    // A pull returns at most 32 messages by default, which caps a consumer's batch (and so
    // execution-service's write batch) at 32 whatever the consumer asks for. Production brokers
    // of this platform are configured the same way (see docs/architecture.md).
    store.setMaxTransferCountOnMessageInMemory(1024);
    store.setMaxTransferBytesOnMessageInMemory(4 * 1024 * 1024);
    store.setMaxTransferCountOnMessageInDisk(1024);
    store.setMaxTransferBytesOnMessageInDisk(4 * 1024 * 1024);

    BrokerController controller =
        new BrokerController(config, server, new NettyClientConfig(), store);
    try {
      if (!controller.initialize()) {
        throw new IllegalStateException("the broker did not initialize");
      }
      controller.start();
    } catch (Exception e) {
      throw new IllegalStateException("the broker did not start", e);
    }
    return controller;
  }

  private static NettyServerConfig smallServer(int port) {
    NettyServerConfig server = new NettyServerConfig();
    server.setBindAddress("127.0.0.1");
    server.setListenPort(port);
    server.setServerSelectorThreads(1);
    server.setServerWorkerThreads(2);
    server.setServerCallbackExecutorThreads(2);
    return server;
  }

  /** The broker's own first registration can come ~10 s late; pushing it makes it immediate. */
  private void awaitRegistered() {
    awaitCondition(
        "broker registered with the name server",
        () -> {
          if (nameServer
              .getRouteInfoManager()
              .getAllClusterInfo()
              .getBrokerAddrTable()
              .containsKey(BROKER)) {
            return true;
          }
          broker.registerBrokerAll(true, false, true);
          return false;
        });
  }

  private void awaitCondition(String what, java.util.function.BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("embedded RocketMQ: timed out waiting for " + what);
      }
      broker.registerBrokerAll(true, false, true);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }

  private static void deleteRecursively(Path root) {
    try (var paths = Files.walk(root)) {
      List<Path> all = new ArrayList<>(paths.toList());
      java.util.Collections.reverse(all);
      for (Path path : all) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.err.println("could not delete " + root + ": " + e.getMessage());
    }
  }
}
