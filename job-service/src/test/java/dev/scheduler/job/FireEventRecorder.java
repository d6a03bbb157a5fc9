package dev.scheduler.job;

import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.Topics;
import dev.scheduler.testkit.TestConsumers;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;

/** Reads every fire event off the broker, as an agent would, and keeps them for assertions. */
final class FireEventRecorder implements AutoCloseable {

  record Received(FireEvent event, String tags, String keys) {}

  private final DefaultMQPushConsumer consumer;
  private final Queue<Received> received = new ConcurrentLinkedQueue<>();

  FireEventRecorder(String nameServer) throws MQClientException {
    // From a few seconds back, not from the topic's start: the shared broker holds every fire of
    // the earlier test classes, and reading them all first could outlast a test's wait.
    consumer = TestConsumers.fromNow("test-fire-reader-" + UUID.randomUUID(), nameServer);
    consumer.subscribe(Topics.FIRE, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently)
            (messages, context) -> {
              messages.forEach(
                  m ->
                      received.add(
                          new Received(
                              Json.fromBytes(m.getBody(), FireEvent.class),
                              m.getTags(),
                              m.getKeys())));
              return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
    consumer.start();
  }

  /** What arrived for job {@code jobId} of {@code app} (job ids repeat across test databases). */
  List<Received> of(String app, long jobId) {
    return received.stream()
        .filter(r -> r.event().jobId() == jobId && r.event().app().equals(app))
        .toList();
  }

  @Override
  public void close() {
    consumer.shutdown();
  }
}
