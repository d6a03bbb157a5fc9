package dev.scheduler.job.trigger;

import java.time.Duration;

/** The trigger engine's settings for unit tests: the defaults, with a chosen partition count. */
final class TestTriggerProperties {

  private TestTriggerProperties() {}

  static TriggerProperties withPartitions(int partitions) {
    return new TriggerProperties(
        partitions,
        Duration.ofSeconds(10),
        100,
        Duration.ofMillis(300),
        Duration.ofMillis(100),
        Duration.ofSeconds(5),
        Duration.ofSeconds(60),
        Duration.ofSeconds(2),
        "test",
        "test");
  }
}
