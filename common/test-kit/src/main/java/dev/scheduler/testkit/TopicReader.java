package dev.scheduler.testkit;

import dev.scheduler.contracts.Json;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;

/** Every message of one topic, read as {@code T}, in a consumer group of the test's own. */
public final class TopicReader<T> implements AutoCloseable {

  private final DefaultMQPushConsumer consumer;
  private final Queue<T> messages = new ConcurrentLinkedQueue<>();

  private TopicReader(String nameServer, String topic, Class<T> type) throws MQClientException {
    String id = "test-reader-" + UUID.randomUUID();
    consumer = TestConsumers.fromNow(id, nameServer);
    consumer.subscribe(topic, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently)
            (batch, context) -> {
              batch.forEach(m -> messages.add(Json.fromBytes(m.getBody(), type)));
              return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
    consumer.start();
  }

  /** Starts reading {@code topic} of the broker whose name server is {@code nameServer}. */
  public static <T> TopicReader<T> of(String nameServer, String topic, Class<T> type) {
    try {
      return new TopicReader<>(nameServer, topic, type);
    } catch (MQClientException e) {
      throw new IllegalStateException("cannot read " + topic + " at " + nameServer, e);
    }
  }

  /** What was read so far. */
  public List<T> messages() {
    return List.copyOf(messages);
  }

  @Override
  public void close() {
    consumer.shutdown();
  }
}
