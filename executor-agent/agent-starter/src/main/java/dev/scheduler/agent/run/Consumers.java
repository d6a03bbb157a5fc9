package dev.scheduler.agent.run;

import dev.scheduler.contracts.ConsumerGroups;
import dev.scheduler.contracts.ControlCommand;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.Topics;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.heartbeat.MessageModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's two broker consumers: fire events of its app, shared by the app's agents (one
 * consumer group per app), and control commands, which every agent of the app receives
 * (broadcasting). The fire consumer has as many threads as the agent has room and keeps few
 * messages pulled ahead, so that work it cannot take soon stays with the broker for other agents.
 */
public class Consumers {

  private static final Logger log = LoggerFactory.getLogger(Consumers.class);

  private final String nameServer;
  private final String app;
  private final String instanceName;
  private final Runner runner;
  private final AtomicLong malformed = new AtomicLong();
  private volatile DefaultMQPushConsumer fires;
  private volatile DefaultMQPushConsumer control;

  public Consumers(String nameServer, String app, String instanceName, Runner runner) {
    this.nameServer = nameServer;
    this.app = app;
    this.instanceName = instanceName;
    this.runner = runner;
  }

  /**
   * Starts both consumers, new ones on every call: a consumer that failed to start cannot start
   * again.
   *
   * @throws MQClientException when the name server cannot be reached; nothing is left running
   */
  public synchronized void start() throws MQClientException {
    DefaultMQPushConsumer newControl = controlConsumer();
    DefaultMQPushConsumer newFires = fireConsumer();
    try {
      newControl.start();
      newFires.start();
    } catch (MQClientException | RuntimeException e) {
      newFires.shutdown();
      newControl.shutdown();
      throw e;
    }
    control = newControl;
    fires = newFires;
  }

  private DefaultMQPushConsumer fireConsumer() throws MQClientException {
    int threads = Math.min(runner.capacity(), 64);
    DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(ConsumerGroups.agentFires(app));
    consumer.setNamesrvAddr(nameServer);
    consumer.setInstanceName(instanceName);
    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
    consumer.setConsumeThreadMin(threads);
    consumer.setConsumeThreadMax(threads);
    consumer.setConsumeMessageBatchMaxSize(1);
    consumer.setPullThresholdForTopic(Math.max(2, runner.capacity()));
    consumer.setPullThresholdSizeForTopic(Math.max(2, runner.capacity()));
    consumer.subscribe(Topics.FIRE, app);
    consumer.registerMessageListener(
        (MessageListenerConcurrently) (messages, context) -> onFires(messages));
    return consumer;
  }

  private DefaultMQPushConsumer controlConsumer() throws MQClientException {
    DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(ConsumerGroups.agentControl(app));
    consumer.setNamesrvAddr(nameServer);
    consumer.setInstanceName(instanceName);
    consumer.setMessageModel(MessageModel.BROADCASTING);
    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
    consumer.setConsumeThreadMin(1);
    consumer.setConsumeThreadMax(1);
    consumer.subscribe(Topics.CONTROL, app);
    consumer.registerMessageListener(
        (MessageListenerConcurrently) (messages, context) -> onControl(messages));
    return consumer;
  }

  private ConsumeConcurrentlyStatus onFires(java.util.List<MessageExt> messages) {
    for (MessageExt message : messages) {
      FireEvent fire;
      try {
        fire = Json.fromBytes(message.getBody(), FireEvent.class);
      } catch (RuntimeException e) {
        malformed.incrementAndGet();
        log.error("dropped unreadable fire event {}: {}", message.getKeys(), e.toString());
        continue;
      }
      try {
        if (runner.accept(fire) == Runner.Acceptance.STOPPING) {
          return ConsumeConcurrentlyStatus.RECONSUME_LATER;
        }
      } catch (ExecutionGuard.GuardUnavailableException e) {
        log.warn("fire {} put back: {}", fire.executionId(), e.getMessage());
        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
      }
    }
    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
  }

  private ConsumeConcurrentlyStatus onControl(java.util.List<MessageExt> messages) {
    for (MessageExt message : messages) {
      try {
        ControlCommand command = Json.fromBytes(message.getBody(), ControlCommand.class);
        if (command.type() == ControlCommand.Type.CANCEL
            && runner.cancel(
                command.executionId(),
                command.attempt(),
                "cancelled by " + command.requestedBy() + ": " + command.reason())) {
          log.info("cancelled {} on request of {}", command.executionId(), command.requestedBy());
        }
      } catch (RuntimeException e) {
        malformed.incrementAndGet();
        log.error("dropped unreadable control command {}: {}", message.getKeys(), e.toString());
      }
    }
    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
  }

  /** Stops taking fire events; pulled ones not yet taken go back to the broker. */
  public synchronized void stopFires() {
    if (fires != null) {
      fires.shutdown();
      fires = null;
    }
  }

  public synchronized void stopControl() {
    if (control != null) {
      control.shutdown();
      control = null;
    }
  }

  public boolean started() {
    return fires != null;
  }

  /** Messages that could not be read and were dropped. */
  public long malformed() {
    return malformed.get();
  }
}
