package dev.scheduler.job.trigger;

import dev.scheduler.contracts.FireEvent;
import dev.scheduler.job.cache.JobCache;
import dev.scheduler.job.definition.JobSpec;
import dev.scheduler.job.definition.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the due jobs of one partition for a while: claim a batch of due triggers, read their jobs
 * from the cache in one round trip, publish their fire events without waiting one by one, then
 * advance the triggers in one batched update. Events are published before the triggers move, so a
 * replica dying in between makes the next owner publish the same fires again, with the same ids,
 * which the consumers drop: a fire may be sent twice but is never lost.
 */
class PartitionPass {

  private static final Logger log = LoggerFactory.getLogger(PartitionPass.class);

  private final TriggerStore store;
  private final JobCache cache;
  private final FirePublisher publisher;
  private final TriggerProperties properties;
  private final Clock clock;
  private final Sleeper sleeper;

  /** Waits; tests replace it to move a settable clock instead. */
  interface Sleeper {
    void sleepUntil(Instant until) throws InterruptedException;
  }

  PartitionPass(
      TriggerStore store,
      JobCache cache,
      FirePublisher publisher,
      TriggerProperties properties,
      Clock clock,
      Sleeper sleeper) {
    this.store = store;
    this.cache = cache;
    this.publisher = publisher;
    this.properties = properties;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Fires what partition {@code partition} has due until {@code deadline} or until stopped. */
  void run(int partition, Instant deadline, BooleanSupplier stopped) throws InterruptedException {
    while (!stopped.getAsBoolean() && clock.instant().isBefore(deadline)) {
      if (fireDue(partition) == 0) {
        Instant now = clock.instant();
        Instant next = store.nextDue(partition);
        Instant wakeUp = now.plus(properties.idlePoll());
        if (next != null && next.isBefore(wakeUp)) {
          wakeUp = next;
        }
        sleeper.sleepUntil(wakeUp.isAfter(deadline) ? deadline : wakeUp);
      }
    }
  }

  /** One round: fires everything of the partition due now, up to a batch; returns how many. */
  int fireDue(int partition) {
    Instant now = clock.instant();
    List<TriggerStore.Due> due = store.due(partition, now, properties.batchSize());
    if (due.isEmpty()) {
      return 0;
    }
    Map<Long, JobCache.CachedJob> jobs =
        cache.getAll(due.stream().map(TriggerStore.Due::jobId).toList());
    List<List<FireEvent>> fires = new ArrayList<>();
    List<Pending> pending = new ArrayList<>();
    for (TriggerStore.Due trigger : due) {
      JobCache.CachedJob job = jobs.get(trigger.jobId());
      if (job == null || job.status() != JobStatus.ACTIVE) {
        // Deleted or paused a moment ago; the change removes or parks the trigger itself.
        continue;
      }
      JobSpec spec = job.spec();
      FirePlan plan =
          FirePlan.of(
              spec.schedule(),
              spec.misfirePolicy(),
              spec.misfireFireAllLimit(),
              Instant.ofEpochMilli(trigger.nextFireAt()),
              now,
              properties.misfireThreshold());
      List<String> fireIds = new ArrayList<>();
      for (Instant scheduled : plan.fires()) {
        List<FireEvent> events = FirePublisher.events(trigger.jobId(), spec, scheduled, now, null);
        fires.add(events);
        fireIds.add(events.get(0).fireId());
      }
      pending.add(new Pending(trigger, plan, fireIds));
    }
    Set<String> published = publisher.publishAll(fires, properties.publishTimeout());
    List<TriggerStore.Advance> moves = new ArrayList<>();
    for (Pending p : pending) {
      if (published.containsAll(p.fireIds())) {
        Instant last =
            p.plan().fires().isEmpty() ? null : p.plan().fires().get(p.plan().fires().size() - 1);
        moves.add(
            new TriggerStore.Advance(
                p.trigger().jobId(), p.trigger().nextFireAt(), p.plan().next(), last));
      } else {
        log.warn(
            "job {}: fires {} not stored by the broker; retrying",
            p.trigger().jobId(),
            p.fireIds());
      }
    }
    store.advance(moves, clock.instant());
    return due.size();
  }

  private record Pending(TriggerStore.Due trigger, FirePlan plan, List<String> fireIds) {}

  /** Real waiting, for production. */
  static Sleeper realTime(Clock clock) {
    return until -> {
      long millis = Duration.between(clock.instant(), until).toMillis();
      if (millis > 0) {
        Thread.sleep(millis);
      }
    };
  }
}
