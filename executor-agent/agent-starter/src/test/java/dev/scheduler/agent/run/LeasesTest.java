package dev.scheduler.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scheduler.agent.LeaseLostException;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.HeldLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lease book's timing, on a ticker moved by hand. */
class LeasesTest {

  private static final Duration TTL = Duration.ofSeconds(8);
  private static final Duration MARGIN = Duration.ofSeconds(2);

  private long now = 1_000_000_000L;
  private final Ticker ticker = () -> now;
  private final Leases leases = new Leases(ticker, MARGIN);
  private final List<String> lost = new ArrayList<>();
  private final HeldLease id = new HeldLease("7-1000-0", 1);

  {
    leases.onLost((lease, why) -> lost.add(lease.id() + ": " + why));
  }

  private void advance(Duration by) {
    now += by.toNanos();
  }

  @Test
  void a_lease_is_valid_until_its_time_less_the_margin_from_when_it_was_asked_for() {
    long askedAt = now;
    advance(Duration.ofMillis(300)); // the claim's round trip
    Lease lease = leases.granted(id, 3, askedAt, TTL);

    advance(Duration.ofMillis(5_699));
    assertThat(lease.valid()).isTrue();
    leases.sweep();
    assertThat(lost).isEmpty();

    advance(Duration.ofMillis(1));
    assertThat(lease.valid()).isFalse();
    assertThatThrownBy(lease::check).isInstanceOf(LeaseLostException.class);
    leases.sweep();
    assertThat(lost)
        .containsExactly(
            id
                + ": not renewed within its time: execution-service"
                + " unreachable, or this node stalled");
    assertThat(lease.token()).isEqualTo(3);
  }

  @Test
  void a_renewal_counts_from_when_its_heartbeat_was_sent() {
    Lease lease = leases.granted(id, 1, now, TTL);
    advance(Duration.ofSeconds(5));
    long sentAt = now;
    advance(Duration.ofSeconds(2)); // a slow answer
    leases.renewed(sentAt, TTL, List.of(id), List.of(), List.of());

    advance(Duration.ofMillis(3_999)); // 5,999 ms after the renewal was sent
    assertThat(lease.valid()).isTrue();
    advance(Duration.ofMillis(1));
    assertThat(lease.valid()).isFalse();
  }

  @Test
  void a_lease_execution_service_does_not_hold_for_this_node_is_lost_at_once() {
    Lease lease = leases.granted(id, 1, now, TTL);

    leases.renewed(now, TTL, List.of(id), List.of(id), List.of());

    assertThat(lease.valid()).isFalse();
    assertThat(lost).hasSize(1);
    assertThat(lease.lostWhy()).contains("no longer counts this node as its holder");
    assertThat(leases.toRenew()).isEmpty();
  }

  @Test
  void an_ended_success_is_renewed_until_on_record_and_other_outcomes_are_given_up() {
    Lease succeeded = leases.granted(id, 1, now, TTL);
    HeldLease other = new HeldLease("7-2000-0", 1);
    Lease cancelled = leases.granted(other, 1, now, TTL);

    leases.ended(succeeded, ExecutionEventType.SUCCEEDED);
    leases.ended(cancelled, ExecutionEventType.CANCELLED);

    assertThat(leases.toRenew()).containsExactly(id);
    assertThat(leases.toRelease()).containsExactly(other);
    assertThat(leases.finishing()).isTrue();
    // A finished run is not stopped when its lease is not confirmed in time: the work is done.
    advance(Duration.ofSeconds(30));
    leases.sweep();
    assertThat(lost).isEmpty();

    leases.renewed(now, TTL, List.of(id), List.of(id), List.of(other));
    assertThat(leases.size()).isZero();
    assertThat(leases.finishing()).isFalse();
  }

  @Test
  void a_lost_lease_is_given_up_once_its_thread_is_done_and_never_renewed_again() {
    Lease lease = leases.granted(id, 1, now, TTL);
    advance(Duration.ofSeconds(7));
    leases.sweep();
    assertThat(leases.toRenew()).isEmpty();

    leases.ended(lease, ExecutionEventType.LEASE_LOST);

    assertThat(leases.toRelease()).containsExactly(id);
    assertThat(lease.valid()).isFalse();
  }

  @Test
  void with_a_margin_too_large_for_the_lease_half_of_it_is_used() {
    Leases tight = new Leases(ticker, Duration.ofSeconds(5));
    Lease lease = tight.granted(id, 1, now, TTL);

    advance(Duration.ofMillis(3_999));
    assertThat(lease.valid()).isTrue();
    advance(Duration.ofMillis(1));
    assertThat(lease.valid()).isFalse();
  }
}
