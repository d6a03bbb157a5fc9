package dev.scheduler.job.trigger;

import dev.scheduler.job.definition.JobDefinition;
import dev.scheduler.job.definition.JobSpec;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Decides when jobs fire and fires them. Every change is made in the caller's transaction, so a
 * job's row and its schedule never disagree. Implementations must fire each occurrence exactly once
 * across all replicas and honour time zones, start/end bounds, misfire policies and pause.
 */
public interface TriggerEngine {

  /** Starts firing {@code job} (or changes its schedule), in its current status. */
  void schedule(JobDefinition job);

  /** Stops firing the job for good. */
  void unschedule(long jobId);

  /** Stops firing the job until {@link #resume}; missed fires then follow its misfire policy. */
  void pause(long jobId);

  /** Fires the job again after {@link #pause}. */
  void resume(long jobId);

  /** When the job fired last and fires next; both null if it is not scheduled. */
  default FireTimes fireTimes(long jobId) {
    return fireTimes(List.of(jobId)).get(jobId);
  }

  /** {@link #fireTimes(long)} of several jobs at once; every job given has an entry. */
  Map<Long, FireTimes> fireTimes(Collection<Long> jobIds);

  /** The next {@code count} instants at which {@code spec} would fire after {@code from}. */
  List<Instant> preview(JobSpec spec, Instant from, int count);

  /**
   * Previous and next fire of a job.
   *
   * @param previous the last fire, null if none yet
   * @param next the next fire, null if none is left
   */
  record FireTimes(Instant previous, Instant next) {
    static final FireTimes NONE = new FireTimes(null, null);
  }
}
