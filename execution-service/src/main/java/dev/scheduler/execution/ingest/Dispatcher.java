package dev.scheduler.execution.ingest;

import dev.scheduler.contracts.ControlCommand;
import dev.scheduler.contracts.EventSignatures;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.NodeStateChanged;
import dev.scheduler.contracts.Topics;
import dev.scheduler.execution.credentials.ServiceEventKey;
import dev.scheduler.execution.store.ExecutionIngest.Dispatch;
import java.time.Clock;
import java.util.List;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.spring.core.RocketMQTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends what execution-service decides: further attempts of executions (a retry as a broker timer
 * message that becomes visible after its backoff, a failover at once) and control commands to the
 * agents of an app.
 */
@Component
public class Dispatcher {

  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final DefaultMQProducer producer;
  private final Clock clock;
  private final ServiceEventKey serviceKey;

  public Dispatcher(RocketMQTemplate template, Clock clock, ServiceEventKey serviceKey) {
    this.producer = template.getProducer();
    this.clock = clock;
    this.serviceKey = serviceKey;
  }

  /**
   * Sends each attempt; a send that fails is logged and left to the retry scan, which finds the
   * execution still waiting for its next attempt.
   */
  public void dispatch(List<Dispatch> dispatches) {
    for (Dispatch dispatch : dispatches) {
      try {
        send(dispatch.fire(), dispatch.delay().toMillis());
      } catch (RuntimeException e) {
        log.warn(
            "attempt {} of {} not sent: {}",
            dispatch.fire().attempt(),
            dispatch.fire().executionId(),
            e.toString());
      }
    }
  }

  /** Sends one fire event, due {@code delayMillis} from now. */
  public void send(FireEvent fire, long delayMillis) {
    Message message = new Message(Topics.FIRE, fire.tag(), fire.executionId(), Json.toBytes(fire));
    if (delayMillis > 0) {
      message.setDeliverTimeMs(clock.millis() + delayMillis);
    }
    try {
      producer.send(message);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("broker did not take " + fire.executionId(), e);
    }
  }

  /**
   * Marks an execution event that execution-service applied before publishing it: its own ingest
   * skips it, other readers (monitor-service) take it as any other.
   */
  public static final String APPLIED_PROPERTY = "schedulerApplied";

  /**
   * Publishes an execution event of execution-service's own (MISSED) as agents publish theirs,
   * signed with the {@link ServiceEventKey} so that the ingest takes it.
   */
  public void report(ExecutionEvent event) {
    send(event, false);
  }

  /**
   * Publishes outcomes execution-service decided and applied itself (a watchdog's timeout, a dead
   * agent's abandoned attempts), so that other readers of the topic learn them too. A send that
   * fails is logged: the outcome is stored whatever happens to its announcement.
   */
  public void announceApplied(List<ExecutionEvent> applied) {
    for (ExecutionEvent event : applied) {
      try {
        send(event, true);
      } catch (RuntimeException e) {
        log.warn("{} of {} not announced: {}", event.type(), event.executionId(), e.toString());
      }
    }
  }

  private void send(ExecutionEvent event, boolean applied) {
    byte[] body = Json.toBytes(event);
    Message message = new Message(Topics.EXECUTION, event.type().name(), event.executionId(), body);
    if (applied) {
      message.putUserProperty(APPLIED_PROPERTY, "true");
    } else {
      byte[] key = serviceKey.key();
      message.putUserProperty(EventSignatures.KEY_PROPERTY, EventSignatures.keyId(key));
      message.putUserProperty(EventSignatures.SIGNATURE_PROPERTY, EventSignatures.sign(key, body));
    }
    try {
      producer.send(message);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("broker did not take the event of " + event.executionId(), e);
    }
  }

  /** Publishes a node's state change (tag = new state, key = node id). */
  public void nodeState(NodeStateChanged change) {
    try {
      producer.send(
          new Message(
              Topics.NODE_STATE, change.to().name(), change.nodeId(), Json.toBytes(change)));
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("broker did not take the state of " + change.nodeId(), e);
    }
  }

  /** Sends a control command to every agent of its app. */
  public void control(ControlCommand command) {
    try {
      producer.send(
          new Message(Topics.CONTROL, command.app(), command.executionId(), Json.toBytes(command)));
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException(
          "broker did not take the command for " + command.executionId(), e);
    }
  }
}
