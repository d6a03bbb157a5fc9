package dev.scheduler.support.messaging;

import dev.scheduler.contracts.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.UtilAll;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services' batch readers of a topic: the broker client itself rather than rocketmq-spring's
 * listener, because handing over whole batches is what makes the cost per message small. A batch
 * whose handler throws is redelivered whole, so handlers are idempotent.
 */
public final class BatchConsumers {

  private static final Logger log = LoggerFactory.getLogger(BatchConsumers.class);

  /** How far before its start a group seen for the first time reads. */
  public static final int FIRST_START_LOOKBACK_SECONDS = 10;

  private BatchConsumers() {}

  /**
   * A push consumer of {@code topic} (every tag) in {@code group}, not started, handing batches of
   * up to {@code batchSize} messages to {@code handler} on {@code threads} threads.
   *
   * <p>A batch is what one pull of one queue brought. The broker answers a pull as soon as its
   * queue has anything new, so under a steady stream pulls bring a few messages each; {@code
   * pullInterval} makes the consumer wait that long after each pull of a queue, so that the next
   * one brings what arrived meanwhile (larger batches, fewer pulls for the broker to serve) at the
   * price of that much delay. A queue with nothing new still waits at the broker (long polling).
   *
   * <p>A group seen for the first time reads from {@value #FIRST_START_LOOKBACK_SECONDS} s before
   * it started: a new group's consumer gets its queues only once the broker has balanced them, and
   * starting at the queues' end then would skip what was sent in between (handlers are idempotent,
   * so reading a little earlier costs nothing). A known group goes on from its committed offsets.
   */
  public static DefaultMQPushConsumer create(
      String nameServer,
      String group,
      String topic,
      int threads,
      int batchSize,
      Duration pullInterval,
      Consumer<List<MessageExt>> handler)
      throws MQClientException {
    DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
    consumer.setNamesrvAddr(nameServer);
    // One broker client per consumer: several application contexts may share a JVM (tests).
    consumer.setInstanceName(group + "-" + UUID.randomUUID());
    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_TIMESTAMP);
    consumer.setConsumeTimestamp(
        UtilAll.timeMillisToHumanString3(
            System.currentTimeMillis() - FIRST_START_LOOKBACK_SECONDS * 1000L));
    consumer.setConsumeThreadMin(threads);
    consumer.setConsumeThreadMax(threads);
    consumer.setConsumeMessageBatchMaxSize(batchSize);
    consumer.setPullBatchSize(Math.min(batchSize, 1024));
    consumer.setPullInterval(pullInterval.toMillis());
    consumer.subscribe(topic, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently)
            (messages, context) -> {
              try {
                handler.accept(messages);
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
              } catch (RuntimeException e) {
                log.warn(
                    "batch of {} {} messages not handled, redelivered: {}",
                    messages.size(),
                    topic,
                    e.toString());
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
              }
            });
    return consumer;
  }

  /**
   * The messages of a batch read as {@code type} and passing {@code check}; one that does not read
   * or fails the check is logged and dropped (a message that can never be read must not block its
   * queue), and {@code dropped} runs for it.
   */
  public static <T> List<T> read(
      List<MessageExt> messages, Class<T> type, Consumer<T> check, Runnable dropped) {
    List<T> read = new ArrayList<>(messages.size());
    for (MessageExt message : messages) {
      try {
        T value = Json.fromBytes(message.getBody(), type);
        check.accept(value);
        read.add(value);
      } catch (RuntimeException e) {
        dropped.run();
        log.error(
            "dropped unreadable {} message {}: {}",
            type.getSimpleName(),
            message.getKeys(),
            e.toString());
      }
    }
    return read;
  }

  /** Shuts down each consumer that was made. */
  public static void shutdown(DefaultMQPushConsumer... consumers) {
    for (DefaultMQPushConsumer consumer : consumers) {
      if (consumer != null) {
        consumer.shutdown();
      }
    }
  }
}
