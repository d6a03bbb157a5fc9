package dev.scheduler.execution.ingest;

import dev.scheduler.contracts.ConsumerGroups;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Ids;
import dev.scheduler.contracts.Topics;
import dev.scheduler.execution.credentials.EventAdmission;
import dev.scheduler.execution.store.IngestProperties;
import dev.scheduler.support.messaging.BatchConsumers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.MessageExt;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Reads the fire topic (all apps, a WAITING execution per event) and the execution topic (the
 * agents' reports, as far as {@link EventAdmission} lets them in) in batches, each batch one
 * transaction of the ingest. The broker client itself, not rocketmq-spring's listener, because the
 * batch size is what makes the write cost per event small. A batch that fails is redelivered whole;
 * the ingest is idempotent.
 */
@Component
public class IngestConsumers implements SmartLifecycle {

  private final String nameServer;
  private final IngestWriters writers;
  private final IngestProperties properties;
  private final EventAdmission admission;
  private final Counter malformed;
  private DefaultMQPushConsumer fires;
  private DefaultMQPushConsumer events;
  private volatile boolean running;

  public IngestConsumers(
      @Value("${rocketmq.name-server}") String nameServer,
      IngestWriters writers,
      IngestProperties properties,
      EventAdmission admission,
      MeterRegistry meters) {
    this.nameServer = nameServer;
    this.writers = writers;
    this.properties = properties;
    this.admission = admission;
    this.malformed =
        Counter.builder("scheduler.execution.malformed")
            .description("messages that could not be read and were dropped")
            .register(meters);
  }

  @Override
  public void start() {
    try {
      fires =
          consumer(
              ConsumerGroups.EXECUTION_FIRES + properties.groupSuffix(),
              Topics.FIRE,
              messages ->
                  writers.write(
                      read(messages, FireEvent.class, FireEvent::executionId), List.of()));
      events =
          consumer(
              ConsumerGroups.EXECUTION_EVENTS + properties.groupSuffix(),
              Topics.EXECUTION,
              messages -> writers.write(List.of(), agentsEvents(messages)));
      fires.start();
      events.start();
    } catch (MQClientException e) {
      throw new IllegalStateException("cannot start the ingest consumers", e);
    }
    running = true;
  }

  private DefaultMQPushConsumer consumer(
      String group, String topic, java.util.function.Consumer<List<MessageExt>> handler)
      throws MQClientException {
    return BatchConsumers.create(
        nameServer,
        group,
        topic,
        properties.threads(),
        properties.batchSize(),
        properties.pullInterval(),
        handler);
  }

  /**
   * The readable messages; one that is not (bad JSON, an execution id of another form) is dropped.
   */
  private <T> List<T> read(
      List<MessageExt> messages, Class<T> type, Function<T, String> executionId) {
    return BatchConsumers.read(
        foreign(messages),
        type,
        value -> Ids.parseExecutionId(executionId.apply(value)),
        malformed::increment);
  }

  /**
   * The agents' events that {@link EventAdmission} lets in, each about the execution its message is
   * keyed (and signed) for: a body about another execution than its key is dropped.
   */
  private List<ExecutionEvent> agentsEvents(List<MessageExt> messages) {
    List<ExecutionEvent> events = new ArrayList<>(messages.size());
    for (MessageExt message : admission.admit(foreign(messages))) {
      for (ExecutionEvent event :
          read(List.of(message), ExecutionEvent.class, ExecutionEvent::executionId)) {
        if (event.executionId().equals(message.getKeys())) {
          events.add(event);
        } else {
          malformed.increment();
        }
      }
    }
    return events;
  }

  /** Without the events this service announced itself after it applied them. */
  private static List<MessageExt> foreign(List<MessageExt> messages) {
    return messages.stream()
        .filter(m -> m.getUserProperty(Dispatcher.APPLIED_PROPERTY) == null)
        .toList();
  }

  @Override
  public void stop() {
    running = false;
    BatchConsumers.shutdown(events, fires);
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
