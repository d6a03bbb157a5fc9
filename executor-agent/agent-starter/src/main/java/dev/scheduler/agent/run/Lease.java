package dev.scheduler.agent.run;

import dev.scheduler.agent.LeaseLostException;
import dev.scheduler.contracts.HeldLease;

/**
 * The lease one attempt is held under on this node, as this node knows it. It is valid while this
 * node holds it and renewed it recently enough: until the moment it sent its last confirmed renewal
 * (or claim) plus the lease's time, less a margin. execution-service counts the lease from when it
 * received that request, which is later, so this node gives the lease up before anybody else can be
 * granted the execution.
 */
public final class Lease {

  /** Where the lease stands on this node. */
  enum State {
    /** Held: the attempt waits here or runs. */
    HELD,
    /** Lost, or not confirmed in time: the handler is stopped, its result never reported. */
    LOST,
    /** The attempt ended and its outcome is stored; renewed until the outcome is on record. */
    FINISHING,
    /** The attempt ended and its outcome is stored; given up with the next heartbeat. */
    RELEASING
  }

  private final HeldLease id;
  private final long token;
  private final Ticker ticker;
  private volatile long validUntil;
  private volatile State state = State.HELD;
  private volatile String lostWhy;

  Lease(HeldLease id, long token, Ticker ticker, long validUntil) {
    this.id = id;
    this.token = token;
    this.ticker = ticker;
    this.validUntil = validUntil;
  }

  public HeldLease id() {
    return id;
  }

  /** The fencing token: higher than that of every earlier lease of the execution. */
  public long token() {
    return token;
  }

  /** Whether the attempt may still act: held, and confirmed recently enough. */
  public boolean valid() {
    return state == State.HELD && ticker.nanos() - validUntil < 0;
  }

  /**
   * @throws LeaseLostException unless {@link #valid()}
   */
  public void check() {
    if (!valid()) {
      throw new LeaseLostException(
          "the lease of "
              + id
              + " is lost"
              + (lostWhy != null ? " (" + lostWhy + ")" : " (not renewed in time)")
              + ": another attempt may run elsewhere; no side effect may follow");
    }
  }

  /** Why the lease was lost; null while it is not. */
  public String lostWhy() {
    return lostWhy;
  }

  State state() {
    return state;
  }

  synchronized void extendTo(long until) {
    if (until - validUntil > 0) {
      validUntil = until;
    }
  }

  /** Moves HELD to LOST; false when it was not HELD. */
  synchronized boolean lose(String why) {
    if (state != State.HELD) {
      return false;
    }
    lostWhy = why;
    state = State.LOST;
    return true;
  }

  /** Whether it is HELD but was not confirmed in time. */
  boolean lapsed() {
    return state == State.HELD && ticker.nanos() - validUntil >= 0;
  }

  synchronized void moveTo(State next) {
    state = next;
  }
}
