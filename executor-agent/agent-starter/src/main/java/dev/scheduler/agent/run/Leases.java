package dev.scheduler.agent.run;

import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.HeldLease;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases this node holds, from the claim until execution-service no longer needs to hear of
 * them: renewed with every heartbeat while their attempt waits, runs, or has ended with its outcome
 * not yet on record; released with a heartbeat when the attempt's thread is done with it and its
 * outcome is stored. A lease not confirmed within its time (the heartbeats failed:
 * execution-service away, this node cut off or paused) or that execution-service says this node
 * does not hold is lost: its attempt is stopped, and never reports success.
 */
public class Leases {

  private static final Logger log = LoggerFactory.getLogger(Leases.class);

  private final Ticker ticker;
  private final Duration margin;
  private final Map<HeldLease, Lease> leases = new ConcurrentHashMap<>();
  private volatile BiConsumer<Lease, String> onLost = (lease, why) -> {};

  /**
   * @param margin how much earlier than execution-service this node counts a lease as run out
   */
  public Leases(Ticker ticker, Duration margin) {
    this.ticker = ticker;
    this.margin = margin;
  }

  /** Tells {@code listener} of every lease lost while its attempt waited or ran here. */
  void onLost(BiConsumer<Lease, String> listener) {
    this.onLost = listener;
  }

  /**
   * Records a granted lease.
   *
   * @param askedAt {@link Ticker#nanos()} before the claim was sent
   * @param ttl the lease's time as execution-service granted it
   */
  Lease granted(HeldLease id, long token, long askedAt, Duration ttl) {
    Lease lease = new Lease(id, token, ticker, askedAt + validFor(ttl));
    leases.put(id, lease);
    return lease;
  }

  /** The leases to renew with the next heartbeat. */
  public List<HeldLease> toRenew() {
    return leases.values().stream()
        .filter(l -> l.state() == Lease.State.HELD || l.state() == Lease.State.FINISHING)
        .map(Lease::id)
        .toList();
  }

  /** The leases to give up with the next heartbeat. */
  public List<HeldLease> toRelease() {
    return leases.values().stream()
        .filter(l -> l.state() == Lease.State.RELEASING)
        .map(Lease::id)
        .toList();
  }

  /**
   * What a heartbeat achieved.
   *
   * @param sentAt {@link Ticker#nanos()} before it was sent
   * @param ttl the lease's time execution-service renewed them for
   * @param asked the leases it asked to renew
   * @param notHeld those of them execution-service did not renew
   * @param released the leases it gave up
   */
  public void renewed(
      long sentAt,
      Duration ttl,
      List<HeldLease> asked,
      List<HeldLease> notHeld,
      List<HeldLease> released) {
    released.forEach(id -> leases.computeIfPresent(id, (k, l) -> forgetIfReleasing(l)));
    Set<HeldLease> lost = new HashSet<>(notHeld);
    long until = sentAt + validFor(ttl);
    for (HeldLease id : asked) {
      Lease lease = leases.get(id);
      if (lease == null) {
        continue;
      }
      if (!lost.contains(id)) {
        lease.extendTo(until);
      } else if (lease.state() == Lease.State.HELD) {
        lose(lease, "execution-service no longer counts this node as its holder");
      } else if (lease.state() == Lease.State.FINISHING) {
        leases.remove(id, lease); // its outcome is on record: released
      }
    }
  }

  /** Loses every lease that was not confirmed in time. */
  public void sweep() {
    for (Lease lease : leases.values()) {
      if (lease.lapsed()) {
        lose(
            lease,
            "not renewed within its time: execution-service unreachable, or this node stalled");
      }
    }
  }

  /**
   * The attempt's thread is done with it and its outcome {@code outcome} is stored by the broker
   * (or given up at shutdown): an outcome that releases the lease where it is recorded keeps it
   * renewed until then; any other gives it up with the next heartbeat.
   */
  void ended(Lease lease, ExecutionEventType outcome) {
    if (leases.get(lease.id()) != lease) {
      return;
    }
    boolean releasedOnRecord =
        outcome == ExecutionEventType.SUCCEEDED
            || outcome == ExecutionEventType.FAILED
            || outcome == ExecutionEventType.REJECTED;
    synchronized (lease) {
      if (lease.state() == Lease.State.HELD && releasedOnRecord) {
        lease.moveTo(Lease.State.FINISHING);
      } else {
        lease.moveTo(Lease.State.RELEASING);
      }
    }
  }

  /** Leases held or being given up. */
  public int size() {
    return leases.size();
  }

  /** Whether any attempt that ended here waits for its outcome to be on record. */
  public boolean finishing() {
    return leases.values().stream().anyMatch(l -> l.state() == Lease.State.FINISHING);
  }

  private void lose(Lease lease, String why) {
    if (lease.lose(why)) {
      log.warn("lease of {} lost: {}", lease.id(), why);
      onLost.accept(lease, why);
    }
  }

  private static Lease forgetIfReleasing(Lease lease) {
    return lease.state() == Lease.State.RELEASING ? null : lease;
  }

  private long validFor(Duration ttl) {
    Duration usable =
        ttl.compareTo(margin.multipliedBy(2)) > 0 ? ttl.minus(margin) : ttl.dividedBy(2);
    return usable.toNanos();
  }
}
