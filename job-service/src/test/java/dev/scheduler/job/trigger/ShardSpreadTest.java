package dev.scheduler.job.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/**
 * Shards of one fire reach different agents of the app: checked against the broker client's own
 * allocation of queues to the members of a consumer group.
 */
class ShardSpreadTest {

  private static List<MessageQueue> queues(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> new MessageQueue("FIRE", "broker-a", i))
        .toList();
  }

  /** Which agent holds each queue index, as the broker client allocates them. */
  private static Map<Integer, String> owners(int queueCount, List<String> agents) {
    List<MessageQueue> all = queues(queueCount);
    AllocateMessageQueueAveragely allocation = new AllocateMessageQueueAveragely();
    return agents.stream()
        .flatMap(
            agent ->
                allocation.allocate("group", agent, all, agents).stream()
                    .map(q -> Map.entry(q.getQueueId(), agent)))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  @Test
  void the_shards_of_every_fire_reach_every_agent_when_there_are_enough_shards() {
    for (int queueCount : List.of(4, 8, 16)) {
      for (int agentCount = 2; agentCount <= queueCount; agentCount *= 2) {
        List<String> agents = IntStream.range(0, agentCount).mapToObj(i -> "agent-" + i).toList();
        Map<Integer, String> owner = owners(queueCount, agents);
        for (int shards = agentCount; shards <= 2 * queueCount; shards++) {
          for (long fire = 0; fire < 2L * queueCount; fire++) {
            long f = fire;
            int n = shards;
            Set<String> reached =
                IntStream.range(0, shards)
                    .mapToObj(s -> owner.get(ShardSpread.queueOf(f, s, n, queueCount)))
                    .collect(Collectors.toSet());
            assertThat(reached)
                .as(
                    "%d shards over %d queues and %d agents, fire %d",
                    shards, queueCount, agentCount, fire)
                .containsExactlyInAnyOrderElementsOf(agents);
          }
        }
      }
    }
  }

  @Test
  void no_two_shards_share_a_queue_while_there_are_queues_enough() {
    for (int shards = 1; shards <= 8; shards++) {
      int n = shards;
      List<Integer> used =
          IntStream.range(0, shards).mapToObj(s -> ShardSpread.queueOf(5, s, n, 8)).toList();
      assertThat(new HashSet<>(used)).hasSize(shards);
    }
  }

  @Test
  void single_shard_fires_turn_over_all_queues() {
    Map<Integer, Long> perQueue =
        IntStream.range(0, 800)
            .mapToObj(fire -> ShardSpread.queueOf(fire, 0, 1, 8))
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(perQueue).hasSize(8).allSatisfy((queue, count) -> assertThat(count).isEqualTo(100));
  }
}
