package dev.scheduler.agent.run;

import dev.scheduler.contracts.ConsumerGroups;
import dev.scheduler.contracts.ControlCommand;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.Topics;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.UtilAll;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.heartbeat.MessageModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's broker consumers: first attempts of its app's fires, shared by the app's agents (one
 * consumer group per app); the app's broadcast tag (broadcast shares and later attempts) and
 * control commands, which every agent of the app receives (broadcasting). The fire consumer has as
 * many threads as the agent has room (up to 64); a consumer thread waits while the agent is full.
 */
public class Consumers {

  private static final Logger log = LoggerFactory.getLogger(Consumers.class);

  private static final java.time.Duration START_MARGIN = java.time.Duration.ofMinutes(1);

  /** How far before its start the first agent of an app ever reads fires. */
  private static final java.time.Duration FIRST_START_LOOKBACK = java.time.Duration.ofSeconds(10);

  /** Fire events pulled ahead of the consumer threads, over all of this agent's queues. */
  private static final int PULL_AHEAD_MESSAGES = 4096;

  private static final int PULL_AHEAD_MIB = 16;

  /**
   * How long a consumer thread keeps asking an unreachable execution-service for a fire's lease
   * before it gives the fire back to the broker (which delivers it again 10 s later, then at longer
   * intervals). Asking again soon starts the fire as soon as execution-service is back.
   */
  static final java.time.Duration CLAIM_PATIENCE = java.time.Duration.ofSeconds(30);

  /** The broker's delay level for a fire whose earlier attempt's lease stays held: 5 s. */
  private static final int BUSY_DELAY_LEVEL = 2;

  /** Threads of the consumer of the app's broadcast tag: later attempts arrive there as well. */
  private static final int BROADCAST_THREADS = 4;

  private final String nameServer;
  private final String app;

  /** This agent's node id, also its broker clients' instance name. */
  private final String nodeId;

  private final Runner runner;
  private final AtomicLong malformed = new AtomicLong();
  private volatile DefaultMQPushConsumer fires;
  private volatile DefaultMQPushConsumer control;
  private volatile DefaultMQPushConsumer broadcasts;

  public Consumers(String nameServer, String app, String nodeId, Runner runner) {
    this.nameServer = nameServer;
    this.app = app;
    this.nodeId = nodeId;
    this.runner = runner;
  }

  /**
   * Starts both consumers, new ones on every call: a consumer that failed to start cannot start
   * again.
   *
   * @throws MQClientException when the name server cannot be reached; nothing is left running
   */
  public synchronized void start() throws MQClientException {
    DefaultMQPushConsumer newControl =
        broadcasting(ConsumerGroups.agentControl(app), Topics.CONTROL, app, 1, this::onControl);
    DefaultMQPushConsumer newBroadcasts =
        broadcasting(
            ConsumerGroups.agentBroadcastFires(app),
            Topics.FIRE,
            Topics.broadcastTag(app),
            BROADCAST_THREADS,
            this::onBroadcastFires);
    DefaultMQPushConsumer newFires = fireConsumer();
    try {
      newControl.start();
      newBroadcasts.start();
      newFires.start();
    } catch (MQClientException | RuntimeException e) {
      newFires.shutdown();
      newBroadcasts.shutdown();
      newControl.shutdown();
      throw e;
    }
    control = newControl;
    broadcasts = newBroadcasts;
    fires = newFires;
  }

  private DefaultMQPushConsumer fireConsumer() throws MQClientException {
    int threads = Math.min(runner.capacity(), 64);
    DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(ConsumerGroups.agentFires(app));
    consumer.setNamesrvAddr(nameServer);
    consumer.setInstanceName(nodeId);
    // Only an app's first agent ever meets this: its group is new, gets its queues once the broker
    // has balanced them, and from the queues' end would skip fires sent in between. It reads from
    // FIRST_START_LOOKBACK before its start instead; the lease drops a fire read twice.
    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_TIMESTAMP);
    consumer.setConsumeTimestamp(
        UtilAll.timeMillisToHumanString3(
            System.currentTimeMillis() - FIRST_START_LOOKBACK.toMillis()));
    consumer.setConsumeThreadMin(threads);
    consumer.setConsumeThreadMax(threads);
    consumer.setConsumeMessageBatchMaxSize(1);
    // How much is pulled ahead does not decide which agent runs a fire: each queue belongs to one
    // agent of the group, so a fire waits for this agent in the broker or here alike. Holding only
    // `capacity` messages made the client pause a queue 50 ms at a time while a second's burst of
    // fires drained (fire-to-start p50 300 ms at 1,000 fires/s). The bound is the client's memory
    // guard only: fire events are about 1 KB.
    consumer.setPullThresholdForTopic(PULL_AHEAD_MESSAGES);
    consumer.setPullThresholdSizeForTopic(PULL_AHEAD_MIB);
    consumer.subscribe(Topics.FIRE, app);
    consumer.registerMessageListener(
        (MessageListenerConcurrently) (messages, context) -> take(messages, false, context));
    return consumer;
  }

  /** A consumer in which every agent of the app receives every message of {@code tag}. */
  private DefaultMQPushConsumer broadcasting(
      String group,
      String topic,
      String tag,
      int threads,
      java.util.function.BiFunction<
              java.util.List<MessageExt>, ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus>
          listener)
      throws MQClientException {
    DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
    consumer.setNamesrvAddr(nameServer);
    consumer.setInstanceName(nodeId);
    consumer.setMessageModel(MessageModel.BROADCASTING);
    // A broadcasting consumer keeps its offsets locally, so a new agent has none; from the last
    // offset it would skip what was sent between its start and its first rebalance. It starts
    // from a minute before now instead: earlier messages cannot be meant for it.
    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_TIMESTAMP);
    consumer.setConsumeTimestamp(
        UtilAll.timeMillisToHumanString3(System.currentTimeMillis() - START_MARGIN.toMillis()));
    consumer.setConsumeThreadMin(threads);
    consumer.setConsumeThreadMax(threads);
    consumer.setConsumeMessageBatchMaxSize(1);
    consumer.subscribe(topic, tag);
    consumer.registerMessageListener(
        (MessageListenerConcurrently) (messages, context) -> listener.apply(messages, context));
    return consumer;
  }

  /**
   * Broadcast fire events: one per live agent of the app, of which this agent runs the one for
   * itself; and later attempts of any execution of the app, which every agent reads and the first
   * to claim the lease runs.
   */
  private ConsumeConcurrentlyStatus onBroadcastFires(
      java.util.List<MessageExt> messages, ConsumeConcurrentlyContext context) {
    return take(messages, true, context);
  }

  /**
   * Hands fire events to the runner. A fire is acknowledged once its lease is on record (or it must
   * not run here): were this agent to die after that, its lease would run out and execution-service
   * would run the attempt again as the next one, so nothing the broker let go of is lost.
   */
  private ConsumeConcurrentlyStatus take(
      java.util.List<MessageExt> messages, boolean broadcast, ConsumeConcurrentlyContext context) {
    for (MessageExt message : messages) {
      FireEvent fire;
      try {
        fire = Json.fromBytes(message.getBody(), FireEvent.class);
      } catch (RuntimeException e) {
        malformed.incrementAndGet();
        log.error("dropped unreadable fire event {}: {}", message.getKeys(), e.toString());
        continue;
      }
      if (broadcast && fire.targetNode() != null && !nodeId.equals(fire.targetNode())) {
        continue; // another agent's share of the broadcast
      }
      try {
        Runner.Admission admission = acceptPatiently(fire);
        switch (admission.acceptance()) {
          case STOPPING -> {
            return ConsumeConcurrentlyStatus.RECONSUME_LATER;
          }
          case BUSY -> {
            context.setDelayLevelWhenNextConsume(BUSY_DELAY_LEVEL);
            return ConsumeConcurrentlyStatus.RECONSUME_LATER;
          }
          case ACCEPTED, DUPLICATE -> {
            // runs here, or must not run here
          }
        }
      } catch (RegistryHttp.UnavailableException e) {
        log.warn(
            "fire {} put back: no lease could be claimed within {} ({})",
            fire.executionId(),
            CLAIM_PATIENCE,
            e.getMessage());
        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
      }
    }
    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
  }

  /**
   * Offers the fire to the runner, asking again while execution-service cannot be reached, and when
   * the previous attempt's lease is held, once it runs out (at most {@link #CLAIM_PATIENCE} in
   * all): the broker would deliver it again only after 10 s or more.
   */
  private Runner.Admission acceptPatiently(FireEvent fire)
      throws InterruptedException, RegistryHttp.UnavailableException {
    long deadline = System.nanoTime() + CLAIM_PATIENCE.toNanos();
    long backoffMs = 200;
    while (true) {
      try {
        Runner.Admission admission = runner.accept(fire);
        long waitMs = admission.retryAfter().toMillis() + 50;
        if (admission.acceptance() != Runner.Acceptance.BUSY
            || System.nanoTime() + waitMs * 1_000_000 - deadline > 0) {
          return admission;
        }
        Thread.sleep(waitMs);
      } catch (RegistryHttp.UnavailableException e) {
        if (System.nanoTime() + backoffMs * 1_000_000 - deadline > 0) {
          throw e;
        }
        log.debug("lease of {} not claimed yet: {}", fire.executionId(), e.getMessage());
        Thread.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 2_000);
      }
    }
  }

  private ConsumeConcurrentlyStatus onControl(
      java.util.List<MessageExt> messages, ConsumeConcurrentlyContext context) {
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
    if (broadcasts != null) {
      broadcasts.shutdown();
      broadcasts = null;
    }
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
