package dev.scheduler.job.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.Topics;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.RealServers;
import dev.scheduler.testkit.TestConsumers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Partitions keep firing pass after pass. With one-second passes Quartz's misfire threshold is six
 * seconds; a partition trigger that fell behind by a pass each time would be left to Quartz's
 * misfire scan after six passes, and a job due every second would miss seconds.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"scheduler.job.trigger.pass-length=1s", "scheduler.job.trigger.partitions=2"})
@RealServers
class PassesKeepComingTest {

  @Autowired TestRestTemplate http;

  @Test
  void a_job_due_every_second_fires_every_second_for_many_passes() throws Exception {
    String app = "passes-" + UUID.randomUUID().toString().substring(0, 8);
    ConcurrentSkipListSet<Instant> due = new ConcurrentSkipListSet<>();
    Map<Instant, Duration> late = new ConcurrentHashMap<>();
    DefaultMQPushConsumer reader =
        TestConsumers.fromNow(
            "passes-reader-" + app, EmbeddedRocketMq.shared().nameServerAddress());
    reader.subscribe(Topics.FIRE, app);
    reader.registerMessageListener(
        (MessageListenerConcurrently)
            (messages, context) -> {
              for (var m : messages) {
                FireEvent event = Json.fromBytes(m.getBody(), FireEvent.class);
                due.add(event.scheduledTime());
                late.put(
                    event.scheduledTime(),
                    Duration.between(event.scheduledTime(), event.firedTime()));
              }
              return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
    reader.start();
    try {
      HttpHeaders headers = new HttpHeaders();
      headers.setContentType(MediaType.APPLICATION_JSON);
      Map<String, Object> job =
          Map.of(
              "app",
              app,
              "name",
              "every-second",
              "jobType",
              "BEAN",
              "handler",
              "h",
              "schedule",
              Map.of("type", "CRON", "cron", "* * * * * ?"));
      assertThat(
              http.postForEntity(
                      "/api/v1/jobs", new HttpEntity<>(Json.toJson(job), headers), Map.class)
                  .getStatusCode())
          .isEqualTo(HttpStatus.CREATED);

      // Twenty passes per partition: more than three times the misfire threshold.
      await().atMost(Duration.ofSeconds(60)).until(() -> due.size() >= 22);

      List<Instant> seconds = List.copyOf(due).subList(1, 21);
      for (int i = 1; i < seconds.size(); i++) {
        assertThat(Duration.between(seconds.get(i - 1), seconds.get(i)))
            .as("fires due at %s and then %s", seconds.get(i - 1), seconds.get(i))
            .isEqualTo(Duration.ofSeconds(1));
      }
      // A stalled partition publishes late; a working one within milliseconds.
      assertThat(seconds)
          .allSatisfy(s -> assertThat(late.get(s)).isLessThan(Duration.ofSeconds(2)));
    } finally {
      reader.shutdown();
    }
  }
}
