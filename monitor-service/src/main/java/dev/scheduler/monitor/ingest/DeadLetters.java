package dev.scheduler.monitor.ingest;

import dev.scheduler.contracts.ConsumerGroups;
import dev.scheduler.monitor.alert.AlertEngine;
import dev.scheduler.support.messaging.BatchConsumers;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Watches the dead-letter queues of the platform's consumer groups (the broker moves a message
 * there after its consumer failed it 16 times) and of each known app's agents, and hands every
 * arrival to the dead-letter rules. It reads them in a group of its own, so the messages stay in
 * the queue for an operator to inspect and resend. The broker creates a dead-letter topic at its
 * first message; the consumer picks it up at its next route refresh (up to 30 s).
 */
@Component
public class DeadLetters implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
  private static final String GROUP = "scheduler-monitor-dead-letters";

  private final String nameServer;
  private final String groupSuffix;
  private final AlertEngine alerts;
  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  private DefaultMQPushConsumer consumer;
  private volatile boolean running;

  public DeadLetters(
      @Value("${rocketmq.name-server}") String nameServer,
      @Value("${scheduler.monitor.group-suffix:}") String groupSuffix,
      AlertEngine alerts) {
    this.nameServer = nameServer;
    this.groupSuffix = groupSuffix;
    this.alerts = alerts;
  }

  /** The dead-letter topic of consumer group {@code group}. */
  public static String topicOf(String group) {
    return MixAll.DLQ_GROUP_TOPIC_PREFIX + group;
  }

  @Override
  public void start() {
    try {
      consumer =
          BatchConsumers.create(
              nameServer,
              GROUP + groupSuffix,
              topicOf(ConsumerGroups.EXECUTION_FIRES),
              1,
              32,
              Duration.ZERO, // dead letters are rare: each is looked at as it comes
              this::arrived);
      for (String group :
          List.of(
              ConsumerGroups.EXECUTION_EVENTS,
              ConsumerGroups.MONITOR_EVENTS,
              ConsumerGroups.MONITOR_NODE_STATES)) {
        consumer.subscribe(topicOf(group), "*");
      }
      watched.add(ConsumerGroups.EXECUTION_FIRES);
      watched.addAll(
          List.of(
              ConsumerGroups.EXECUTION_EVENTS,
              ConsumerGroups.MONITOR_EVENTS,
              ConsumerGroups.MONITOR_NODE_STATES));
      consumer.start();
    } catch (MQClientException e) {
      throw new IllegalStateException("cannot watch the dead-letter queues", e);
    }
    running = true;
  }

  /** Watches the dead-letter queue of {@code app}'s agents too, once the app is known. */
  public void watchApp(String app) {
    String group;
    try {
      group = ConsumerGroups.agentFires(app);
    } catch (IllegalArgumentException e) {
      return;
    }
    if (running && watched.add(group)) {
      try {
        consumer.subscribe(topicOf(group), "*");
      } catch (MQClientException e) {
        watched.remove(group);
        log.warn("dead-letter queue of {} not watched: {}", group, e.toString());
      }
    }
  }

  private void arrived(List<MessageExt> messages) {
    for (MessageExt message : messages) {
      String group = message.getTopic().substring(MixAll.DLQ_GROUP_TOPIC_PREFIX.length());
      alerts.onDeadLetter(group, message.getKeys(), message.getProperty("ORIGIN_MESSAGE_ID"));
    }
  }

  @Override
  public void stop() {
    running = false;
    BatchConsumers.shutdown(consumer);
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
