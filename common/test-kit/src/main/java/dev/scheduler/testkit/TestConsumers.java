package dev.scheduler.testkit;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.common.UtilAll;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;

/** Broker consumers of the tests' own readers. */
public final class TestConsumers {

  private TestConsumers() {}

  /**
   * A consumer in a new group of its own that reads everything sent from a few seconds before it
   * was made: a new group otherwise starts at the queues' end only once the broker has assigned it
   * its queues, and a message sent in between would never be read.
   */
  public static DefaultMQPushConsumer fromNow(String group, String nameServer) {
    DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
    consumer.setNamesrvAddr(nameServer);
    consumer.setInstanceName(group);
    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_TIMESTAMP);
    consumer.setConsumeTimestamp(
        UtilAll.timeMillisToHumanString3(System.currentTimeMillis() - 5_000));
    return consumer;
  }
}
