package dev.scheduler.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Ids;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.spring.annotation.RocketMQMessageListener;
import org.apache.rocketmq.spring.core.RocketMQListener;
import org.apache.rocketmq.spring.core.RocketMQTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Component;

@SpringBootTest(
    classes = RocketMqKitTest.App.class,
    properties = {"rocketmq.producer.group=kit-test-producer", "spring.main.banner-mode=off"})
@RealServers(database = false, redis = false)
class RocketMqKitTest {

  private static final String TOPIC = Topics.FIRE;

  @Autowired RocketMQTemplate template;
  @Autowired Received received;

  @Test
  void a_message_sent_through_the_template_is_consumed_by_a_listener() {
    Instant due = Instant.parse("2026-05-01T00:00:00Z");
    FireEvent fire = fire(Ids.fireId(1, due), due);

    template.syncSend(
        TOPIC + ":kit-roundtrip",
        MessageBuilder.withPayload(Json.toBytes(fire))
            .setHeader("KEYS", fire.executionId())
            .build());

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> received.withKey(fire.executionId()).size() == 1);
    Delivery delivery = received.withKey(fire.executionId()).get(0);
    assertThat(Json.fromBytes(delivery.body(), FireEvent.class)).isEqualTo(fire);
    assertThat(delivery.tags()).isEqualTo("kit-roundtrip");
  }

  @Test
  void a_delayed_message_arrives_no_earlier_than_asked() {
    Instant due = Instant.parse("2026-05-01T00:00:01Z");
    FireEvent delayed = fire(Ids.fireId(2, due), due);
    FireEvent immediate = fire(Ids.fireId(3, due), due);
    long delayMillis = 3_000;

    Instant sentAt = Instant.now();
    template.syncSendDelayTimeMills(
        TOPIC + ":kit-delay",
        MessageBuilder.withPayload(Json.toBytes(delayed))
            .setHeader("KEYS", delayed.executionId())
            .build(),
        delayMillis);
    template.syncSend(
        TOPIC + ":kit-delay",
        MessageBuilder.withPayload(Json.toBytes(immediate))
            .setHeader("KEYS", immediate.executionId())
            .build());

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> received.withKey(delayed.executionId()).size() == 1);
    Delivery late = received.withKey(delayed.executionId()).get(0);
    Delivery early = received.withKey(immediate.executionId()).get(0);
    assertThat(Duration.between(sentAt, late.at()).toMillis()).isGreaterThanOrEqualTo(delayMillis);
    assertThat(early.at()).isBefore(late.at());
  }

  private static FireEvent fire(String fireId, Instant due) {
    return new FireEvent(
        1,
        1,
        fireId,
        Ids.executionId(fireId, 0),
        "kit",
        null,
        "h",
        null,
        null,
        0,
        1,
        null,
        due,
        due,
        Duration.ofSeconds(5),
        1,
        null,
        null,
        "t");
  }

  record Delivery(String key, String tags, byte[] body, Instant at) {}

  @Component
  @RocketMQMessageListener(
      topic = TOPIC,
      selectorExpression = "kit-roundtrip || kit-delay",
      consumerGroup = "kit-test-consumer")
  static class Received implements RocketMQListener<MessageExt> {

    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(MessageExt message) {
      deliveries.add(
          new Delivery(message.getKeys(), message.getTags(), message.getBody(), Instant.now()));
    }

    List<Delivery> withKey(String key) {
      return deliveries.stream().filter(d -> key.equals(d.key())).toList();
    }

    @Override
    public String toString() {
      return deliveries.stream()
          .map(d -> d.key() + ":" + new String(d.body(), StandardCharsets.UTF_8))
          .toList()
          .toString();
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(Received.class)
  static class App {}
}
