package dev.scheduler.job.trigger;

/**
 * Which of the fire topic's queues each shard of a fire goes to. The agents of an app share the
 * topic's queues, each holding a contiguous block of them (the broker client's default allocation),
 * so a fire whose shards all went to one queue (as one broker batch does) would run every shard on
 * one agent. Shards are spread evenly over the queues instead, one step of {@code queues / shards}
 * apart, which puts them in different agents' blocks; the first shard's queue turns with each fire,
 * so that single-shard jobs spread over the queues too.
 */
final class ShardSpread {

  private ShardSpread() {}

  /**
   * The queue (0 to {@code queues - 1}) of shard {@code shard} of {@code shards}, for the fire
   * numbered {@code fire} by the sender.
   */
  static int queueOf(long fire, int shard, int shards, int queues) {
    if (queues <= 1) {
      return 0;
    }
    long first = Math.floorMod(fire, queues);
    long step = (long) shard * queues / Math.max(1, shards);
    return (int) ((first + step) % queues);
  }
}
