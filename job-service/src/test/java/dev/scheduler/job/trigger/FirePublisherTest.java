package dev.scheduler.job.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Topics;
import dev.scheduler.job.definition.JobSpec;
import dev.scheduler.job.definition.TestSpecs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.spring.core.RocketMQTemplate;
import org.junit.jupiter.api.Test;

/** What one fire sends: the events of a sharded job and of a broadcast job. */
class FirePublisherTest {

  private static final Instant DUE = Instant.parse("2026-06-01T00:00:00Z");

  @Test
  void a_sharded_job_fires_one_event_per_shard_for_any_agent_of_its_app() {
    FirePublisher publisher =
        new FirePublisher(new RocketMQTemplate(), app -> List.of("x"), new SimpleMeterRegistry());

    List<FireEvent> events = publisher.eventsOf(7, spec(false, 3), DUE, DUE, null);

    assertThat(events).extracting(FireEvent::shardIndex).containsExactly(0, 1, 2);
    assertThat(events).allSatisfy(e -> assertThat(e.shardTotal()).isEqualTo(3));
    assertThat(events).allSatisfy(e -> assertThat(e.targetNode()).isNull());
    assertThat(events).allSatisfy(e -> assertThat(e.tag()).isEqualTo("billing"));
    assertThat(events.get(0).shardParameter()).isEqualTo("beijing");
  }

  @Test
  void a_broadcast_fires_one_event_per_live_agent_each_naming_its_agent() {
    FirePublisher publisher =
        new FirePublisher(
            new RocketMQTemplate(),
            app -> List.of("billing@a", "billing@b"),
            new SimpleMeterRegistry());

    List<FireEvent> events = publisher.eventsOf(7, spec(true, 1), DUE, DUE, "p");

    assertThat(events).extracting(FireEvent::targetNode).containsExactly("billing@a", "billing@b");
    assertThat(events)
        .extracting(FireEvent::executionId)
        .containsExactly("7-" + DUE.toEpochMilli() + "-0", "7-" + DUE.toEpochMilli() + "-1");
    assertThat(events).allSatisfy(e -> assertThat(e.shardTotal()).isEqualTo(2));
    assertThat(events)
        .allSatisfy(e -> assertThat(e.tag()).isEqualTo(Topics.broadcastTag("billing")));
    assertThat(events).allSatisfy(e -> assertThat(e.params()).isEqualTo("p"));
  }

  @Test
  void a_broadcast_with_no_live_agent_sends_nothing() {
    FirePublisher publisher =
        new FirePublisher(new RocketMQTemplate(), app -> List.of(), new SimpleMeterRegistry());

    assertThat(publisher.eventsOf(7, spec(true, 1), DUE, DUE, null)).isEmpty();
  }

  @Test
  void the_shards_of_a_fire_go_to_different_queues_in_batches_of_at_most_128() {
    List<org.apache.rocketmq.common.message.MessageQueue> queues =
        java.util.stream.IntStream.range(0, 4)
            .mapToObj(i -> new org.apache.rocketmq.common.message.MessageQueue("F", "b", i))
            .toList();
    FirePublisher publisher =
        new FirePublisher(new RocketMQTemplate(), app -> List.of(), new SimpleMeterRegistry());
    List<FireEvent> sharded = publisher.eventsOf(7, spec(false, 4), DUE, DUE, null);
    List<List<FireEvent>> many =
        java.util.stream.IntStream.range(0, 600)
            .mapToObj(i -> publisher.eventsOf(8 + i, spec(false, 1), DUE, DUE, null))
            .toList();

    List<FirePublisher.Batch> one =
        FirePublisher.batches(
            List.of(sharded), queues, new java.util.concurrent.atomic.AtomicLong());
    assertThat(one).hasSize(4).allSatisfy(b -> assertThat(b.events()).hasSize(1));
    assertThat(one).extracting(FirePublisher.Batch::queue).doesNotHaveDuplicates();

    List<FirePublisher.Batch> batches =
        FirePublisher.batches(many, queues, new java.util.concurrent.atomic.AtomicLong());
    assertThat(batches).allSatisfy(b -> assertThat(b.events()).hasSizeLessThanOrEqualTo(128));
    assertThat(batches.stream().mapToInt(b -> b.events().size()).sum()).isEqualTo(600);
    assertThat(batches).extracting(FirePublisher.Batch::queue).containsAll(queues);

    // queues unknown (topic not created yet): the producer chooses, batches as before
    List<FirePublisher.Batch> unknown =
        FirePublisher.batches(many, List.of(), new java.util.concurrent.atomic.AtomicLong());
    assertThat(unknown).hasSize(5).allSatisfy(b -> assertThat(b.queue()).isNull());
  }

  private static JobSpec spec(boolean broadcast, int shards) {
    return TestSpecs.cron(
        "billing",
        "close",
        null,
        "0 0 * * * ?",
        shards,
        shards > 1 ? Map.of(0, "beijing") : Map.of(),
        broadcast,
        5,
        Duration.ofMinutes(1));
  }
}
