package dev.scheduler.job.trigger;

import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Ids;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.Topics;
import dev.scheduler.job.definition.JobSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.spring.core.RocketMQTemplate;
import org.springframework.stereotype.Component;

/**
 * Builds the fire events of one fire, one per shard, and sends them to {@link Topics#FIRE} (tag =
 * app, key = execution id). The ids are deterministic, so sending the same fire twice yields the
 * same events and the consumers drop the second.
 */
@Component
public class FirePublisher {

  private final DefaultMQProducer producer;

  public FirePublisher(RocketMQTemplate template) {
    this.producer = template.getProducer();
  }

  /** The events of the fire of job {@code jobId} due at {@code scheduled}. */
  public static List<FireEvent> events(
      long jobId, JobSpec spec, Instant scheduled, Instant fired, String paramsOverride) {
    String fireId = Ids.fireId(jobId, scheduled);
    List<FireEvent> events = new ArrayList<>(spec.shardCount());
    for (int shard = 0; shard < spec.shardCount(); shard++) {
      events.add(
          new FireEvent(
              Contracts.SCHEMA_VERSION,
              jobId,
              fireId,
              Ids.executionId(fireId, shard),
              spec.app(),
              spec.jobType(),
              spec.handler(),
              spec.jobData(),
              paramsOverride != null ? paramsOverride : spec.params(),
              shard,
              spec.shardCount(),
              spec.shardParameters().get(shard),
              scheduled,
              fired,
              spec.timeout(),
              1,
              spec.retryPolicy(),
              spec.blockStrategy(),
              fireId));
    }
    return events;
  }

  /**
   * Sends {@code events} and returns once the broker has stored every one.
   *
   * @throws FireNotPublishedException when the broker did not take them all
   */
  public void publish(List<FireEvent> events) {
    List<Message> messages = events.stream().map(FirePublisher::message).toList();
    try {
      SendResult result =
          messages.size() == 1 ? producer.send(messages.get(0)) : producer.send(messages);
      if (result.getSendStatus() != SendStatus.SEND_OK) {
        throw new FireNotPublishedException(
            "broker answered " + result.getSendStatus() + " for fire " + events.get(0).fireId(),
            null);
      }
    } catch (FireNotPublishedException e) {
      throw e;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new FireNotPublishedException(
          "fire " + events.get(0).fireId() + " was not published: " + e.getMessage(), e);
    }
  }

  /**
   * Sends the events of many fires at once, without waiting for one before sending the next.
   *
   * @return the fire ids whose events the broker all stored within {@code timeout}
   */
  public Set<String> publishAll(List<List<FireEvent>> fires, Duration timeout) {
    int total = fires.stream().mapToInt(List::size).sum();
    CountDownLatch answered = new CountDownLatch(total);
    Set<String> failed = ConcurrentHashMap.newKeySet();
    for (List<FireEvent> fire : fires) {
      for (FireEvent event : fire) {
        try {
          producer.send(
              message(event),
              new SendCallback() {
                @Override
                public void onSuccess(SendResult result) {
                  if (result.getSendStatus() != SendStatus.SEND_OK) {
                    failed.add(event.fireId());
                  }
                  answered.countDown();
                }

                @Override
                public void onException(Throwable e) {
                  failed.add(event.fireId());
                  answered.countDown();
                }
              });
        } catch (Exception e) {
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
          failed.add(event.fireId());
          answered.countDown();
        }
      }
    }
    try {
      if (!answered.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return Set.of();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Set.of();
    }
    Set<String> published = new HashSet<>();
    for (List<FireEvent> fire : fires) {
      if (!fire.isEmpty() && !failed.contains(fire.get(0).fireId())) {
        published.add(fire.get(0).fireId());
      }
    }
    return published;
  }

  private static Message message(FireEvent event) {
    Message message =
        new Message(Topics.FIRE, event.app(), event.executionId(), Json.toBytes(event));
    return message;
  }

  /** The broker did not store a fire's events; the fire must be tried again. */
  public static class FireNotPublishedException extends RuntimeException {
    FireNotPublishedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
