package dev.scheduler.monitor.ingest;

import dev.scheduler.contracts.ConsumerGroups;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.NodeStateChanged;
import dev.scheduler.contracts.Topics;
import dev.scheduler.monitor.metrics.ExecutionMetrics;
import dev.scheduler.monitor.metrics.MetricsProperties;
import dev.scheduler.monitor.metrics.MinuteRollups;
import dev.scheduler.support.messaging.BatchConsumers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.MessageExt;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Reads the execution topic and the node state topic in monitor-service's own consumer groups
 * (competing consumers across its replicas). Each execution event is counted once: a bounded memory
 * of recent (execution, attempt, type) keys drops the broker's redeliveries, which arrive close
 * together; a redelivery after a restart of this service may be counted twice, which moves a
 * minute's figures by that event and no more. Events go to the metrics and the minute rollups,
 * then, as application events, to whoever else listens (the alerts). An event is remembered as done
 * only once all of that succeeded: a batch whose handling failed (the alert store away, say) is
 * counted in {@code scheduler.monitor.handling.failures} and delivered again by the broker, and its
 * events are handled again then (counted once, alerted on until that succeeds), not dropped as
 * duplicates.
 */
@Component
public class MonitorConsumers implements SmartLifecycle {

  /**
   * Wait after each pull of a queue, so that a steady stream arrives in batches rather than a
   * message or two per pull (see {@link BatchConsumers#create}); metrics and alerts are that much
   * later, far below their minute windows.
   */
  private static final Duration PULL_INTERVAL = Duration.ofMillis(50);

  private final String nameServer;
  private final String groupSuffix;
  private final ExecutionMetrics metrics;
  private final MinuteRollups rollups;
  private final ApplicationEventPublisher publisher;
  private final Map<String, Stage> recent;
  private final Counter failures;
  private DefaultMQPushConsumer executions;
  private DefaultMQPushConsumer nodeStates;
  private volatile boolean running;

  public MonitorConsumers(
      @Value("${rocketmq.name-server}") String nameServer,
      @Value("${scheduler.monitor.group-suffix:}") String groupSuffix,
      ExecutionMetrics metrics,
      MinuteRollups rollups,
      ApplicationEventPublisher publisher,
      MetricsProperties properties,
      MeterRegistry meters) {
    this.nameServer = nameServer;
    this.groupSuffix = groupSuffix;
    this.metrics = metrics;
    this.rollups = rollups;
    this.publisher = publisher;
    this.failures =
        Counter.builder("scheduler.monitor.handling.failures")
            .description("batches of execution events whose handling failed and is retried")
            .register(meters);
    int window = properties.dedupeWindow();
    this.recent =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Stage> eldest) {
            return size() > window;
          }
        };
  }

  /** How far an event got. */
  private enum Stage {
    /** Taken by a batch being handled now: another copy of it is a duplicate. */
    TAKEN,
    /** In the metrics and rollups, but its listeners failed: a redelivery hands it on again. */
    COUNTED,
    /** Handled completely: a redelivery of it is a duplicate. */
    DONE
  }

  /** The execution events of one delivered batch, redeliveries taken out. */
  public record ExecutionEvents(List<ExecutionEvent> events) {}

  /** Takes one batch of execution events (the consumer's, or a test's). */
  public void accept(List<ExecutionEvent> batch) {
    List<ExecutionEvent> pending = new ArrayList<>(batch.size());
    for (ExecutionEvent event : batch) {
      if (event.type() == null || event.type() == ExecutionEventType.LOG) {
        continue;
      }
      Stage before = take(event);
      if (before == Stage.TAKEN || before == Stage.DONE) {
        metrics.duplicate();
        continue;
      }
      if (before == null) {
        metrics.record(event);
        rollups.add(event);
      }
      pending.add(event);
    }
    if (pending.isEmpty()) {
      return;
    }
    try {
      publisher.publishEvent(new ExecutionEvents(pending));
    } catch (RuntimeException e) {
      failures.increment();
      pending.forEach(event -> mark(event, Stage.COUNTED));
      throw e;
    }
    pending.forEach(event -> mark(event, Stage.DONE));
  }

  private static String key(ExecutionEvent event) {
    return event.executionId() + "/" + event.attempt() + "/" + event.type();
  }

  /**
   * Takes the event for this batch unless another has it or had it handled; returns how far it got
   * before (null: never seen, to be counted).
   */
  private synchronized Stage take(ExecutionEvent event) {
    Stage before = recent.get(key(event));
    if (before == null || before == Stage.COUNTED) {
      recent.put(key(event), Stage.TAKEN);
    }
    return before;
  }

  private synchronized void mark(ExecutionEvent event, Stage stage) {
    recent.put(key(event), stage);
  }

  @Override
  public void start() {
    try {
      executions =
          consumer(
              ConsumerGroups.MONITOR_EVENTS + groupSuffix,
              Topics.EXECUTION,
              messages -> accept(read(messages, ExecutionEvent.class)));
      nodeStates =
          consumer(
              ConsumerGroups.MONITOR_NODE_STATES + groupSuffix,
              Topics.NODE_STATE,
              messages -> read(messages, NodeStateChanged.class).forEach(publisher::publishEvent));
      executions.start();
      nodeStates.start();
    } catch (MQClientException e) {
      throw new IllegalStateException("cannot start monitor-service's consumers", e);
    }
    running = true;
  }

  private DefaultMQPushConsumer consumer(
      String group, String topic, Consumer<List<MessageExt>> handler) throws MQClientException {
    return BatchConsumers.create(nameServer, group, topic, 4, 256, PULL_INTERVAL, handler);
  }

  private static <T> List<T> read(List<MessageExt> messages, Class<T> type) {
    return BatchConsumers.read(messages, type, value -> {}, () -> {});
  }

  @Override
  public void stop() {
    running = false;
    BatchConsumers.shutdown(executions, nodeStates);
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
