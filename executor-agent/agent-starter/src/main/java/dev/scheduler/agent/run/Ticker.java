package dev.scheduler.agent.run;

/**
 * A monotonic clock in nanoseconds, for the lease: wall-clock time may jump (NTP, a resumed VM),
 * while a lease must be judged by how much time really passed. Tests set it by hand.
 */
@FunctionalInterface
public interface Ticker {

  Ticker SYSTEM = System::nanoTime;

  long nanos();
}
