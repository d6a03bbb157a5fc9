package dev.scheduler.job.trigger;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads for the trigger engine's background work: none keeps the JVM alive. */
final class DaemonThreads {

  private DaemonThreads() {}

  /** Threads named {@code prefix} followed by a number from 1. */
  static ThreadFactory named(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
