package dev.scheduler.job.trigger;

import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Ids;
import dev.scheduler.job.cache.JobCache;
import dev.scheduler.job.definition.JobSpec;
import dev.scheduler.job.definition.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the due jobs of one partition for a while. A round claims the triggers due within the
 * lookahead, reads their jobs from the cache in one round trip and works out their fires ahead of
 * time; it then publishes each group of fires at its due time (never before), without waiting for
 * the broker between groups, and finally advances the triggers in one batched update. Events are
 * published before the triggers move, so a replica dying in between makes the next owner publish
 * the same fires again, with the same ids, which the consumers drop: a fire may be sent twice but
 * is never lost.
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
      if (fireDue(partition, stopped) == 0) {
        sleeper.sleepUntil(min(nextRound(partition), deadline));
      }
    }
  }

  /**
   * When to look again after a round that fired nothing: when the next trigger comes within the
   * lookahead, and at the latest after the idle poll (a job created meanwhile may be due sooner).
   */
  private Instant nextRound(int partition) {
    Instant now = clock.instant();
    Instant poll = now.plus(properties.idlePoll());
    Instant next = store.nextDue(partition);
    if (next == null) {
      return poll;
    }
    Instant claimable = next.minus(properties.lookahead());
    // Already claimable yet nothing fired: its job is being changed; look again after the poll.
    return claimable.isAfter(now) ? min(claimable, poll) : poll;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /**
   * One round: fires what the partition has due now or within the lookahead, up to a batch, each
   * fire at its due time; returns how many triggers fired.
   */
  int fireDue(int partition, BooleanSupplier stopped) throws InterruptedException {
    Instant now = clock.instant();
    List<TriggerStore.Due> due =
        store.due(partition, now.plus(properties.lookahead()), properties.batchSize());
    if (due.isEmpty()) {
      return 0;
    }
    List<Pending> pending = plan(due, now);
    List<FirePublisher.Publication> sent = new ArrayList<>();
    List<Pending> published = new ArrayList<>();
    Set<String> nothingToSend = new HashSet<>();
    int next = 0;
    while (next < pending.size() && !stopped.getAsBoolean()) {
      sleeper.sleepUntil(pending.get(next).dueAt());
      Instant fired = clock.instant();
      List<List<FireEvent>> group = new ArrayList<>();
      while (next < pending.size() && !pending.get(next).dueAt().isAfter(fired)) {
        Pending p = pending.get(next++);
        for (Instant scheduled : p.plan().fires()) {
          List<FireEvent> events =
              publisher.eventsOf(p.trigger().jobId(), p.job(), scheduled, fired, null);
          if (events.isEmpty()) {
            nothingToSend.add(Ids.fireId(p.trigger().jobId(), scheduled)); // broadcast, no agent
          } else {
            group.add(events);
          }
        }
        published.add(p);
      }
      sent.add(publisher.send(group));
    }
    Set<String> done = stored(sent);
    done.addAll(nothingToSend);
    store.advance(advances(published, done), clock.instant());
    return published.size();
  }

  /** The fires of the claimed triggers whose jobs are active, in the order they were claimed. */
  private List<Pending> plan(List<TriggerStore.Due> due, Instant now) {
    Map<Long, JobCache.CachedJob> jobs =
        cache.getAll(due.stream().map(TriggerStore.Due::jobId).toList());
    List<Long> disagreeing =
        due.stream().map(TriggerStore.Due::jobId).filter(id -> !active(jobs.get(id))).toList();
    if (!disagreeing.isEmpty()) {
      // The trigger waits but the cache says the job does not: the cache may have missed a change
      // (Redis down for a moment after a resume), so the database decides.
      jobs.putAll(cache.reload(disagreeing));
    }
    List<Pending> pending = new ArrayList<>(due.size());
    for (TriggerStore.Due trigger : due) {
      JobCache.CachedJob job = jobs.get(trigger.jobId());
      if (!active(job)) {
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
      pending.add(new Pending(trigger, spec, plan));
    }
    return pending;
  }

  private static boolean active(JobCache.CachedJob job) {
    return job != null && job.status() == JobStatus.ACTIVE;
  }

  /** The fire ids the broker stored, waiting for it at most the publish timeout in all. */
  private Set<String> stored(List<FirePublisher.Publication> sent) {
    Instant giveUp = clock.instant().plus(properties.publishTimeout());
    Set<String> stored = new HashSet<>();
    for (FirePublisher.Publication publication : sent) {
      Duration left = Duration.between(clock.instant(), giveUp);
      stored.addAll(publication.await(left.isNegative() ? Duration.ZERO : left));
      if (publication.failure() != null) {
        log.warn("fire events not stored by the broker: {}", publication.failure());
      }
    }
    return stored;
  }

  /** The moves of the triggers whose fires were all stored; the others stay due and are retried. */
  private static List<TriggerStore.Advance> advances(List<Pending> published, Set<String> stored) {
    List<TriggerStore.Advance> moves = new ArrayList<>(published.size());
    for (Pending p : published) {
      List<Instant> fires = p.plan().fires();
      long jobId = p.trigger().jobId();
      if (fires.stream().allMatch(f -> stored.contains(Ids.fireId(jobId, f)))) {
        Instant last = fires.isEmpty() ? null : fires.get(fires.size() - 1);
        moves.add(new TriggerStore.Advance(jobId, p.trigger().nextFireAt(), p.plan().next(), last));
      } else {
        log.warn("job {}: fires due at {} not stored by the broker; retrying", jobId, fires);
      }
    }
    return moves;
  }

  /**
   * A claimed trigger with what to do about it.
   *
   * @param trigger the claimed row
   * @param job the job as the cache has it
   * @param plan its fires now and its next due time
   */
  private record Pending(TriggerStore.Due trigger, JobSpec job, FirePlan plan) {
    Instant dueAt() {
      return Instant.ofEpochMilli(trigger.nextFireAt());
    }
  }

  /** Real waiting, for production. */
  static Sleeper realTime(Clock clock) {
    return until -> {
      // Rounded up: a fire must never leave before its due time.
      long nanos = Duration.between(clock.instant(), until).toNanos();
      if (nanos > 0) {
        Thread.sleep((nanos + 999_999) / 1_000_000);
      }
    };
  }
}
