package dev.scheduler.job.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.junit.jupiter.api.Test;

/** How many passes of a replica end when its share shrinks. */
class FairShareTest {

  private static final TriggerProperties PROPERTIES = TestTriggerProperties.withPartitions(4);

  /** A replica whose share is two partitions: a second replica joined. */
  private final FairShare shareOfTwo =
      new FairShare(null, PROPERTIES, Clock.systemUTC()) {
        @Override
        boolean allows(int runningHere) {
          return runningHere <= 2;
        }
      };

  @Test
  void of_four_passes_asked_together_only_the_two_over_the_share_end() {
    // All four passes still run while they are asked.
    assertThat(shareOfTwo.keeps(4)).isFalse();
    assertThat(shareOfTwo.keeps(4)).isFalse();
    assertThat(shareOfTwo.keeps(4)).isTrue();
    assertThat(shareOfTwo.keeps(4)).isTrue();
  }

  @Test
  void once_the_told_passes_ended_the_count_is_the_running_ones_again() {
    assertThat(shareOfTwo.keeps(3)).isFalse();
    shareOfTwo.ended();

    assertThat(shareOfTwo.keeps(2)).isTrue();
    assertThat(shareOfTwo.keeps(3)).isFalse();
  }
}
