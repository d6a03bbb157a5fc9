package dev.scheduler.job;

import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.Topics;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;

/** Reads every fire event off the broker, as an agent would, and keeps them for assertions. */
final class FireEventRecorder implements AutoCloseable {

  record Received(FireEvent event, String tags, String keys) {}

  private final DefaultMQPushConsumer consumer;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  FireEventRecorder(String nameServer) throws MQClientException {
    consumer =
        new DefaultMQPushConsumer(
            "test-fire-reader-" + UUID.randomUUID().toString().substring(0, 8));
    consumer.setNamesrvAddr(nameServer);
    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
    consumer.subscribe(Topics.FIRE, "*");
    consumer.setInstanceName("recorder-" + UUID.randomUUID());
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
