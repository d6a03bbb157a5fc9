package dev.scheduler.job.trigger;

import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Ids;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.Topics;
import dev.scheduler.job.definition.JobSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.spring.core.RocketMQTemplate;
import org.springframework.stereotype.Component;

/**
 * Builds the fire events of one fire, one per shard, and sends them to {@link Topics#FIRE} (tag =
 * app, key = execution id). The ids are deterministic, so sending the same fire twice yields the
 * same events and the consumers drop the second.
 */
@Component
public class FirePublisher {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(FirePublisher.class);

  /** Events per broker request: one round trip instead of one per event. */
  static final int BATCH_MESSAGES = 128;

  /** Bytes per broker request, well under the broker's 4 MiB message limit. */
  static final int BATCH_BYTES = 1024 * 1024;

  /** How long the fire topic's queue list is used before it is read again. */
  static final Duration QUEUES_REFRESH = Duration.ofSeconds(30);

  private final DefaultMQProducer producer;
  private final LiveAgents liveAgents;
  private final AtomicReference<KnownQueues> queues = new AtomicReference<>();
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private final ExecutorService refresher =
      Executors.newSingleThreadExecutor(DaemonThreads.named("fire-queues-refresh-"));
  private final AtomicLong fireNumbers = new AtomicLong();
  private final Counter sent;
  private final Counter notSent;

  public FirePublisher(RocketMQTemplate template, LiveAgents liveAgents, MeterRegistry meters) {
    this.producer = template.getProducer();
    this.liveAgents = liveAgents;
    this.sent =
        Counter.builder("scheduler.fire.events")
            .description(
                "fire events (one per shard or live agent) by whether the broker took them")
            .tag("result", "sent")
            .register(meters);
    this.notSent =
        Counter.builder("scheduler.fire.events")
            .description(
                "fire events (one per shard or live agent) by whether the broker took them")
            .tag("result", "failed")
            .register(meters);
  }

  /**
   * The events of the fire of job {@code jobId} due at {@code scheduled}: one per shard, or for a
   * broadcast job one per ONLINE agent of its app, each naming its agent. A broadcast with no live
   * agent has no event (and is logged).
   */
  public List<FireEvent> eventsOf(
      long jobId, JobSpec spec, Instant scheduled, Instant fired, String paramsOverride) {
    if (!spec.broadcast()) {
      return events(jobId, spec, scheduled, fired, paramsOverride, null);
    }
    List<String> nodes = liveAgents.online(spec.app());
    if (nodes.isEmpty()) {
      log.warn("broadcast job {} due at {}: no live agent of {}", jobId, scheduled, spec.app());
    }
    return events(jobId, spec, scheduled, fired, paramsOverride, nodes);
  }

  /**
   * The events of one fire.
   *
   * @param nodes the agents a broadcast goes to, one event each; null for a sharded job
   */
  static List<FireEvent> events(
      long jobId,
      JobSpec spec,
      Instant scheduled,
      Instant fired,
      String paramsOverride,
      List<String> nodes) {
    String fireId = Ids.fireId(jobId, scheduled);
    int total = nodes == null ? spec.shardCount() : nodes.size();
    List<FireEvent> events = new ArrayList<>(total);
    for (int shard = 0; shard < total; shard++) {
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
              total,
              nodes == null ? spec.shardParameters().get(shard) : null,
              scheduled,
              fired,
              spec.timeout(),
              1,
              spec.retryPolicy(),
              spec.blockStrategy(),
              fireId,
              nodes == null ? null : nodes.get(shard)));
    }
    return events;
  }

  /**
   * Sends the events of one fire and returns once the broker has stored every one.
   *
   * @throws FireNotPublishedException when the broker did not take them all within the producer's
   *     send timeout
   */
  public void publish(List<FireEvent> events) {
    Publication publication = send(List.of(events));
    if (publication.await(Duration.ofMillis(producer.getSendMsgTimeout())).isEmpty()) {
      throw new FireNotPublishedException(
          "fire " + events.get(0).fireId() + " was not published: " + publication.failure());
    }
  }

  /**
   * Starts sending the events of many fires and returns without waiting for the broker. Events go
   * in batches (one broker request for up to {@value #BATCH_MESSAGES} of them), one queue of the
   * fire topic per batch, with the shards of a fire spread over the queues ({@link ShardSpread}) so
   * that different agents of the app run them; within a queue they keep the order given, so that
   * fires due at the same moment leave in priority order.
   */
  public Publication send(List<List<FireEvent>> fires) {
    List<MessageQueue> queues = fireQueues();
    List<Batch> batches = batches(fires, queues, fireNumbers);
    Publication publication = new Publication(fires, batches.size());
    for (Batch batch : batches) {
      List<String> fireIds = batch.events().stream().map(Outgoing::fireId).toList();
      SendCallback callback =
          new SendCallback() {
            @Override
            public void onSuccess(SendResult result) {
              if (result.getSendStatus() == SendStatus.SEND_OK) {
                sent.increment(fireIds.size());
                publication.stored();
              } else {
                notSent.increment(fireIds.size());
                publication.failed(fireIds, "broker answered " + result.getSendStatus());
              }
            }

            @Override
            public void onException(Throwable e) {
              notSent.increment(fireIds.size());
              publication.failed(fireIds, e.toString());
            }
          };
      List<Message> messages = batch.events().stream().map(Outgoing::message).toList();
      try {
        if (batch.queue() == null) {
          producer.send(messages, callback);
        } else {
          producer.send(messages, batch.queue(), callback);
        }
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        notSent.increment(fireIds.size());
        publication.failed(fireIds, e.toString());
      }
    }
    return publication;
  }

  /**
   * The fire topic's queues, in the order consumers are given them; empty when they cannot be read
   * (the topic is created by the first send), and the batches then go wherever the producer sends
   * them. The list is read from the name server (a synchronous round trip) for the first send only;
   * after {@link #QUEUES_REFRESH} it is read again in the background and the old list used
   * meanwhile. Read on the publishing thread, the round trip held a partition's due fires up every
   * 30 s (up to 300 ms measured on a loaded machine; 3 s at its timeout).
   */
  private List<MessageQueue> fireQueues() {
    KnownQueues known = queues.get();
    if (known == null) {
      return readQueues();
    }
    if (System.nanoTime() - known.readAt() >= QUEUES_REFRESH.toNanos()
        && refreshing.compareAndSet(false, true)) {
      try {
        refresher.execute(
            () -> {
              try {
                readQueues();
              } finally {
                refreshing.set(false);
              }
            });
      } catch (RuntimeException e) {
        refreshing.set(false); // rejected: the next send asks again
      }
    }
    return known.queues();
  }

  private List<MessageQueue> readQueues() {
    List<MessageQueue> read;
    try {
      read =
          producer.fetchPublishMessageQueues(Topics.FIRE).stream()
              .sorted(
                  java.util.Comparator.comparing(MessageQueue::getBrokerName)
                      .thenComparingInt(MessageQueue::getQueueId))
              .toList();
    } catch (Exception e) {
      log.debug("queues of {} not read: {}", Topics.FIRE, e.toString());
      read = List.of();
    }
    queues.set(new KnownQueues(read, System.nanoTime()));
    return read;
  }

  @PreDestroy
  void close() {
    refresher.shutdownNow();
  }

  private record KnownQueues(List<MessageQueue> queues, long readAt) {}

  record Outgoing(String fireId, Message message) {}

  /** Events for one broker request to {@code queue} (null: the producer's choice). */
  record Batch(MessageQueue queue, List<Outgoing> events) {}

  static List<Batch> batches(
      List<List<FireEvent>> fires, List<MessageQueue> queues, AtomicLong fireNumbers) {
    int lanes = Math.max(1, queues.size());
    List<List<Outgoing>> byQueue = new ArrayList<>(lanes);
    for (int i = 0; i < lanes; i++) {
      byQueue.add(new ArrayList<>());
    }
    for (List<FireEvent> fire : fires) {
      long number = fireNumbers.getAndIncrement();
      for (int shard = 0; shard < fire.size(); shard++) {
        FireEvent event = fire.get(shard);
        byQueue
            .get(ShardSpread.queueOf(number, shard, fire.size(), lanes))
            .add(new Outgoing(event.fireId(), message(event)));
      }
    }
    List<Batch> batches = new ArrayList<>();
    for (int lane = 0; lane < lanes; lane++) {
      MessageQueue queue = queues.isEmpty() ? null : queues.get(lane);
      List<Outgoing> batch = new ArrayList<>();
      int bytes = 0;
      for (Outgoing outgoing : byQueue.get(lane)) {
        int size = outgoing.message().getBody().length;
        if (!batch.isEmpty() && (batch.size() == BATCH_MESSAGES || bytes + size > BATCH_BYTES)) {
          batches.add(new Batch(queue, batch));
          batch = new ArrayList<>();
          bytes = 0;
        }
        batch.add(outgoing);
        bytes += size;
      }
      if (!batch.isEmpty()) {
        batches.add(new Batch(queue, batch));
      }
    }
    return batches;
  }

  private static Message message(FireEvent event) {
    return new Message(Topics.FIRE, event.tag(), event.executionId(), Json.toBytes(event));
  }

  /** Fire events on their way to the broker. */
  public static final class Publication {

    private final List<List<FireEvent>> fires;
    private final CountDownLatch answered;
    private final Set<String> failedFires = ConcurrentHashMap.newKeySet();
    private final AtomicReference<String> failure = new AtomicReference<>();

    private Publication(List<List<FireEvent>> fires, int batches) {
      this.fires = fires;
      this.answered = new CountDownLatch(batches);
    }

    private void stored() {
      answered.countDown();
    }

    private void failed(List<String> fireIds, String why) {
      failedFires.addAll(fireIds);
      failure.compareAndSet(null, why);
      answered.countDown();
    }

    /**
     * Waits for the broker's answers.
     *
     * @return the ids of the fires whose events the broker all stored; none if it did not answer
     *     for every batch within {@code timeout}
     */
    public Set<String> await(Duration timeout) {
      try {
        if (!answered.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
          failure.compareAndSet(null, "no answer from the broker within " + timeout);
          return Set.of();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Set.of();
      }
      Set<String> published = new LinkedHashSet<>();
      for (List<FireEvent> fire : fires) {
        if (!fire.isEmpty() && !failedFires.contains(fire.get(0).fireId())) {
          published.add(fire.get(0).fireId());
        }
      }
      return published;
    }

    /** Why some events were not stored, null if all were. */
    public String failure() {
      return failure.get();
    }
  }

  /** The broker did not store a fire's events; the fire must be tried again. */
  public static class FireNotPublishedException extends RuntimeException {
    FireNotPublishedException(String message) {
      super(message);
    }
  }
}
