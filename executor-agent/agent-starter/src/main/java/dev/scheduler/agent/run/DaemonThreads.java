package dev.scheduler.agent.run;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads: the agent's threads must never keep the business application alive. */
public final class DaemonThreads {

  private DaemonThreads() {}

  /** Threads named {@code prefix} followed by a number. */
  public static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
