package dev.scheduler.testkit;

import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.EventSignatures;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;

/**
 * The broker traffic around agents, as a test sees it: publishes fire events (and any other
 * message) the way job-service does, and keeps every fire event and every execution event seen, in
 * the order received.
 */
public final class FireTraffic implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final DefaultMQProducer producer;
  private final DefaultMQPushConsumer reader;
  private final DefaultMQPushConsumer fireReader;
  private final Queue<ExecutionEvent> events = new ConcurrentLinkedQueue<>();
  private final Queue<Signed> signatures = new ConcurrentLinkedQueue<>();
  private final Queue<FireEvent> fires = new ConcurrentLinkedQueue<>();

  private FireTraffic(String nameServer) throws MQClientException {
    String id = UUID.randomUUID().toString().substring(0, 8);
    producer = new DefaultMQProducer("test-fires-" + id);
    producer.setNamesrvAddr(nameServer);
    producer.setInstanceName("test-fires-" + id);
    producer.start();
    reader = TestConsumers.fromNow("test-execution-reader-" + id, nameServer);
    reader.subscribe(Topics.EXECUTION, "*");
    reader.registerMessageListener(
        // Orderly: the agent sends the events of one execution to one queue, one after the other,
        // and this reader must see them in that order.
        (MessageListenerOrderly)
            (messages, context) -> {
              messages.forEach(
                  m -> {
                    events.add(Json.fromBytes(m.getBody(), ExecutionEvent.class));
                    signatures.add(
                        new Signed(
                            m.getKeys(),
                            m.getBody(),
                            m.getUserProperty(EventSignatures.KEY_PROPERTY),
                            m.getUserProperty(EventSignatures.SIGNATURE_PROPERTY)));
                  });
              return ConsumeOrderlyStatus.SUCCESS;
            });
    reader.start();
    fireReader = TestConsumers.fromNow("test-fire-reader-" + id, nameServer);
    fireReader.subscribe(Topics.FIRE, "*");
    fireReader.registerMessageListener(
        (MessageListenerOrderly)
            (messages, context) -> {
              messages.forEach(m -> fires.add(Json.fromBytes(m.getBody(), FireEvent.class)));
              return ConsumeOrderlyStatus.SUCCESS;
            });
    fireReader.start();
  }

  /** The fire events of {@code executionId}'s attempt {@code attempt} seen on the fire topic. */
  public List<FireEvent> firesOf(String executionId, int attempt) {
    return fires.stream()
        .filter(f -> f.executionId().equals(executionId) && f.attempt() == attempt)
        .toList();
  }

  /** Connects to the name server at {@code nameServer}. */
  public static FireTraffic connect(String nameServer) {
    try {
      return new FireTraffic(nameServer);
    } catch (MQClientException e) {
      throw new IllegalStateException("cannot connect to the broker at " + nameServer, e);
    }
  }

  /** Publishes {@code fire} to the fire topic with the job-service's tag and key. */
  public void publish(FireEvent fire) {
    send(new Message(Topics.FIRE, fire.tag(), fire.executionId(), Json.toBytes(fire)));
  }

  /** The shared agent token of the local profile, which the module tests run in. */
  public static final String LOCAL_TOKEN = "local-dev-token";

  /**
   * Publishes {@code event} to the execution topic as an agent of the local profile does (tag =
   * type, key = id, signed with {@link #LOCAL_TOKEN}).
   */
  public void report(ExecutionEvent event) {
    report(event, LOCAL_TOKEN);
  }

  /** As {@link #report(ExecutionEvent)}, signed with {@code credential} (unsigned when null). */
  public void report(ExecutionEvent event, String credential) {
    send(signed(event, credential));
  }

  /** The message an agent holding {@code credential} sends for {@code event}. */
  public static Message signed(ExecutionEvent event, String credential) {
    byte[] body = Json.toBytes(event);
    Message message = new Message(Topics.EXECUTION, event.type().name(), event.executionId(), body);
    if (credential != null) {
      byte[] key = EventSignatures.keyOf(credential);
      message.putUserProperty(EventSignatures.KEY_PROPERTY, EventSignatures.keyId(key));
      message.putUserProperty(EventSignatures.SIGNATURE_PROPERTY, EventSignatures.sign(key, body));
    }
    return message;
  }

  /** Sends any message, waiting until the broker stored it. */
  public void send(Message message) {
    try {
      producer.send(message);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("broker did not take " + message.getKeys(), e);
    }
  }

  /**
   * Whether every execution event of {@code executionId} received so far (one at least) is signed
   * with {@code credential}'s key, as execution-service checks them.
   */
  public boolean allSignedWith(String executionId, String credential) {
    byte[] key = EventSignatures.keyOf(credential);
    List<Signed> of = signatures.stream().filter(s -> executionId.equals(s.key())).toList();
    return !of.isEmpty()
        && of.stream()
            .allMatch(
                s ->
                    EventSignatures.keyId(key).equals(s.keyId())
                        && EventSignatures.verify(key, s.body(), s.signature()));
  }

  private record Signed(String key, byte[] body, String keyId, String signature) {}

  /** The execution events of {@code executionId} received so far. */
  public List<ExecutionEvent> eventsOf(String executionId) {
    return events.stream().filter(e -> e.executionId().equals(executionId)).toList();
  }

  /** Waits (30 s at most) for the outcome of {@code executionId}; its events so far, in order. */
  public List<ExecutionEvent> awaitOutcome(String executionId) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                eventsOf(executionId).stream()
                    .anyMatch(e -> e.type() != null && e.type().terminal()));
    return eventsOf(executionId);
  }

  /** Waits for the outcome of {@code executionId} and returns it. */
  public ExecutionEvent outcomeOf(String executionId) {
    return awaitOutcome(executionId).stream()
        .filter(e -> e.type() != null && e.type().terminal())
        .findFirst()
        .orElseThrow();
  }

  /** Waits for the first event of {@code type} about {@code executionId}. */
  public ExecutionEvent awaitEvent(
      String executionId, dev.scheduler.contracts.ExecutionEventType type) {
    await()
        .atMost(WAIT)
        .until(() -> eventsOf(executionId).stream().anyMatch(e -> e.type() == type));
    return eventsOf(executionId).stream().filter(e -> e.type() == type).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    fireReader.shutdown();
    reader.shutdown();
    producer.shutdown();
  }
}
