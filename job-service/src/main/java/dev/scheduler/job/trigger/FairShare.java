package dev.scheduler.job.trigger;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Keeps one replica from running every partition. Quartz hands a partition's next pass to whichever
 * replica asks first, and the replica that just ended a pass is told first, so left alone one
 * replica keeps all partitions. A replica running more than {@code ceil(partitions / live
 * replicas)} passes gives the extra one back. One instance per replica: it counts the passes it
 * told to end.
 */
class FairShare {

  private final JdbcClient jdbc;
  private final TriggerProperties properties;
  private final Clock clock;

  FairShare(JdbcClient jdbc, TriggerProperties properties, Clock clock) {
    this.jdbc = jdbc;
    this.properties = properties;
    this.clock = clock;
  }

  /** Passes of this replica told to end that have not ended yet. */
  private final AtomicInteger ending = new AtomicInteger();

  /**
   * Whether a running pass may go on, with {@code runningHere} passes running here (itself
   * included). Passes already told to end are not counted, so that when the share shrinks only as
   * many end as must: asked together (passes that started together ask together), every pass would
   * be told to end and every partition would move at once, each late by its hand-over. A pass told
   * no calls {@link #ended()} once it ended.
   */
  synchronized boolean keeps(int runningHere) {
    if (allows(runningHere - ending.get())) {
      return true;
    }
    ending.incrementAndGet();
    return false;
  }

  /** A pass {@link #keeps} told to end has ended. */
  void ended() {
    ending.decrementAndGet();
  }

  /** Whether a replica running {@code runningHere} passes (this one included) may keep them. */
  boolean allows(int runningHere) {
    long recent =
        clock.instant().toEpochMilli()
            - properties.clusterCheckinInterval().multipliedBy(3).toMillis();
    long live =
        jdbc.sql(
                "SELECT COUNT(*) FROM QRTZ_SCHEDULER_STATE WHERE SCHED_NAME = ?"
                    + " AND LAST_CHECKIN_TIME >= ?")
            .params(properties.clusterName(), recent)
            .query(Long.class)
            .single();
    long share = (properties.partitions() + Math.max(1, live) - 1) / Math.max(1, live);
    return runningHere <= share;
  }
}
