package dev.scheduler.job.trigger;

import java.time.Clock;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Keeps one replica from running every partition. Quartz hands a partition's next pass to whichever
 * replica asks first, and the replica that just ended a pass is told first, so left alone one
 * replica keeps all partitions. A replica running more than {@code ceil(partitions / live
 * replicas)} passes gives the extra one back.
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
