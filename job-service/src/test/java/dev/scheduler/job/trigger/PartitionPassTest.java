package dev.scheduler.job.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willReturn;
import static org.mockito.Mockito.mock;

import dev.scheduler.contracts.FireEvent;
import dev.scheduler.job.cache.JobCache;
import dev.scheduler.job.definition.JobSpec;
import dev.scheduler.job.definition.JobStatus;
import dev.scheduler.job.definition.TestSpecs;
import dev.scheduler.testkit.SchemaEngine;
import dev.scheduler.testkit.SettableClock;
import dev.scheduler.testkit.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A pass at exact instants: what it claims ahead of time, when each fire leaves, and what happens
 * to the triggers afterwards. The clock moves only when the pass waits.
 */
class PartitionPassTest {

  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
  private static final TriggerProperties PROPERTIES = TestTriggerProperties.withPartitions(1);

  private final SettableClock clock = new SettableClock(T.minusMillis(100));
  private final JobCache cache = mock(JobCache.class);
  private final FirePublisher publisher = mock(FirePublisher.class);
  private final Map<Long, JobCache.CachedJob> cached = new HashMap<>();
  private final List<Sent> sent = new CopyOnWriteArrayList<>();
  private Set<String> brokerRefuses = Set.of();
  private Consumer<List<List<FireEvent>>> onSend = fires -> {};
  private final QuietWorkers workers = new QuietWorkers();
  private DriverManagerDataSource dataSource;
  private TriggerStore store;
  private PartitionPass pass;

  /** One call of the publisher: when, and the events. */
  private record Sent(Instant at, List<FireEvent> events) {}

  @BeforeEach
  void setUp() {
    TestDatabase db = SchemaEngine.H2_MYSQL_MODE.migrated("pass");
    dataSource = new DriverManagerDataSource(db.jdbcUrl(), db.username(), db.password());
    store = new TriggerStore(JdbcClient.create(dataSource), new JdbcTemplate(dataSource), 1);
    given(cache.getAll(anyCollection())).willAnswer(call -> found(call.getArgument(0)));
    given(publisher.eventsOf(anyLong(), any(), any(), any(), any()))
        .willAnswer(
            call ->
                FirePublisher.events(
                    call.getArgument(0),
                    call.getArgument(1),
                    call.getArgument(2),
                    call.getArgument(3),
                    call.getArgument(4),
                    null));
    given(publisher.send(anyList()))
        .willAnswer(
            call -> {
              List<List<FireEvent>> fires = call.getArgument(0);
              sent.add(new Sent(clock.instant(), fires.stream().flatMap(List::stream).toList()));
              onSend.accept(fires);
              FirePublisher.Publication publication = mock(FirePublisher.Publication.class);
              given(publication.await(any()))
                  .willReturn(
                      fires.stream()
                          .map(f -> f.get(0).fireId())
                          .filter(id -> !brokerRefuses.contains(id))
                          .collect(Collectors.toSet()));
              return publication;
            });
    pass =
        new PartitionPass(
            store,
            cache,
            publisher,
            PROPERTIES,
            clock,
            movingClock(),
            PartitionPass.callingThread());
  }

  @Test
  void fires_each_trigger_within_the_lookahead_at_its_due_time_never_before() throws Exception {
    schedule(1, "* * * * * ?", T, 5);
    schedule(2, "0/5 * * * * ?", T.plusMillis(200), 5);
    schedule(3, "* * * * * ?", T.plusMillis(150), 5);
    schedule(4, "* * * * * ?", T.plusMillis(250), 5);

    int fired = pass.fireDue(0, () -> false);

    assertThat(fired).isEqualTo(3);
    assertThat(sent).extracting(Sent::at).containsExactly(T, T.plusMillis(150), T.plusMillis(200));
    assertThat(sent)
        .allSatisfy(
            s ->
                assertThat(s.events())
                    .allSatisfy(e -> assertThat(e.firedTime()).isEqualTo(e.scheduledTime())));
    assertThat(sent.get(0).events()).extracting(FireEvent::jobId).containsExactly(1L);
    assertThat(nextFire(1)).isEqualTo(T.plusSeconds(1));
    assertThat(nextFire(2)).isEqualTo(T.plusSeconds(5));
    assertThat(nextFire(4)).isEqualTo(T.plusMillis(250));
    assertThat(store.fireTimes(List.of(1L)).get(1L).previous()).isEqualTo(T);
  }

  @Test
  void a_fire_with_nothing_to_send_moves_its_trigger_on_instead_of_retrying_it() throws Exception {
    // A broadcast job whose app has no live agent: no event, and no endless resend either.
    schedule(1, "* * * * * ?", T, 5);
    willReturn(List.of()).given(publisher).eventsOf(anyLong(), any(), any(), any(), any());

    pass.fireDue(0, () -> false);

    assertThat(nextFire(1)).isEqualTo(T.plusSeconds(1));
  }

  @Test
  void claims_nothing_due_beyond_the_lookahead() throws Exception {
    clock.set(T.minusSeconds(1));
    schedule(1, "* * * * * ?", T, 5);

    assertThat(pass.fireDue(0, () -> false)).isZero();
    assertThat(sent).isEmpty();
    assertThat(nextFire(1)).isEqualTo(T);
  }

  @Test
  void fires_due_at_the_same_moment_leave_together_highest_priority_first() throws Exception {
    schedule(1, "* * * * * ?", T, 2);
    schedule(2, "* * * * * ?", T, 9);
    schedule(3, "* * * * * ?", T, 5);

    pass.fireDue(0, () -> false);

    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).events()).extracting(FireEvent::jobId).containsExactly(2L, 3L, 1L);
  }

  @Test
  void a_trigger_whose_fire_the_broker_did_not_store_stays_due_and_is_sent_again()
      throws Exception {
    schedule(1, "* * * * * ?", T, 5);
    schedule(2, "* * * * * ?", T, 5);
    brokerRefuses = Set.of("2-" + T.toEpochMilli());

    pass.fireDue(0, () -> false);
    brokerRefuses = Set.of();
    pass.fireDue(0, () -> false);

    assertThat(nextFire(1)).isEqualTo(T.plusSeconds(1));
    assertThat(nextFire(2)).isEqualTo(T.plusSeconds(1));
    assertThat(sent.get(1).events())
        .extracting(FireEvent::fireId)
        .containsExactly("2-" + T.toEpochMilli());
  }

  @Test
  void a_stale_cache_entry_saying_paused_does_not_keep_a_waiting_trigger_from_firing()
      throws Exception {
    schedule(1, "* * * * * ?", T, 5);
    cached.put(1L, new JobCache.CachedJob(spec("* * * * * ?", 5), JobStatus.PAUSED, 1));
    given(cache.reload(anyCollection()))
        .willReturn(
            Map.of(1L, new JobCache.CachedJob(spec("* * * * * ?", 5), JobStatus.ACTIVE, 2)));

    pass.fireDue(0, () -> false);

    assertThat(sent).hasSize(1);
    assertThat(nextFire(1)).isEqualTo(T.plusSeconds(1));
  }

  @Test
  void a_stopped_pass_sends_nothing_more_and_leaves_the_rest_due() throws Exception {
    schedule(1, "* * * * * ?", T, 5);
    schedule(2, "* * * * * ?", T.plusMillis(150), 5);
    pass.fireDue(0, () -> !sent.isEmpty());

    assertThat(sent).hasSize(1);
    assertThat(nextFire(1)).isEqualTo(T.plusSeconds(1));
    assertThat(nextFire(2)).isEqualTo(T.plusMillis(150));
  }

  @Test
  void a_pass_told_to_go_on_keeps_firing_past_its_deadline_without_a_break() throws Exception {
    schedule(1, "* * * * * ?", T, 5);
    List<Instant> asked = new CopyOnWriteArrayList<>();
    Iterator<Boolean> answers = List.of(true, false).iterator();

    pass.run(
        0,
        T.plusMillis(1500),
        () -> false,
        () -> {
          asked.add(clock.instant());
          return answers.next();
        });

    // Asked a lookahead before each deadline (T+1.5 s, then T+3.1 s): on for one more stretch.
    assertThat(asked).hasSize(2);
    assertThat(asked.get(0)).isBetween(T.plusMillis(1200), T.plusMillis(1500));
    assertThat(sent)
        .extracting(Sent::at)
        .containsExactly(T, T.plusSeconds(1), T.plusSeconds(2), T.plusSeconds(3));
    assertThat(nextFire(1)).isEqualTo(T.plusSeconds(4));
  }

  @Test
  void a_pass_told_to_stop_ends_at_its_deadline() throws Exception {
    schedule(1, "* * * * * ?", T, 5);

    pass.run(0, T.plusMillis(1500), () -> false, () -> false);

    assertThat(sent).extracting(Sent::at).containsExactly(T, T.plusSeconds(1));
    assertThat(nextFire(1)).isEqualTo(T.plusSeconds(2));
  }

  @Test
  void fires_keep_leaving_at_their_due_time_while_the_update_of_earlier_ones_is_slow()
      throws Exception {
    // The first settle's update hangs until the last fire has left: were the claims and settles on
    // the publishing thread (as in a round-by-round pass), nothing after the first fire would leave
    // before it returned.
    CountDownLatch lastFireSent = new CountDownLatch(1);
    AtomicBoolean firstUpdateDone = new AtomicBoolean();
    Map<Long, Boolean> sentWhileFirstUpdateHung = new ConcurrentHashMap<>();
    onSend =
        fires -> {
          fires.forEach(
              f -> sentWhileFirstUpdateHung.put(f.get(0).jobId(), !firstUpdateDone.get()));
          if (fires.stream().anyMatch(f -> f.get(0).jobId() == 3L)) {
            lastFireSent.countDown();
          }
        };
    schedule(1, "0/5 * * * * ?", T, 5);
    schedule(2, "0/5 * * * * ?", T.plusMillis(400), 5);
    schedule(3, "0/5 * * * * ?", T.plusMillis(800), 5);

    passOver(storeWhoseFirstUpdateWaitsFor(lastFireSent, firstUpdateDone))
        .run(0, T.plusSeconds(1), () -> false, () -> false);

    assertThat(sent).extracting(Sent::at).containsExactly(T, T.plusMillis(400), T.plusMillis(800));
    assertThat(sentWhileFirstUpdateHung).containsEntry(2L, true).containsEntry(3L, true);
    assertThat(List.of(nextFire(1), nextFire(2), nextFire(3))).containsOnly(T.plusSeconds(5));
  }

  @Test
  void a_job_due_every_second_fires_on_time_while_its_earlier_fires_wait_to_be_settled()
      throws Exception {
    // The update of the first fire's trigger hangs until the third fire has left. The pass claims
    // the next fire of a trigger it holds from memory, so the database's slowness does not make
    // the job late (before, its second fire waited for the first one's update).
    CountDownLatch thirdFireSent = new CountDownLatch(1);
    AtomicBoolean firstUpdateDone = new AtomicBoolean();
    AtomicBoolean secondSentBeforeFirstSettled = new AtomicBoolean();
    onSend =
        fires ->
            fires.forEach(
                f -> {
                  Instant scheduled = f.get(0).scheduledTime();
                  if (scheduled.equals(T.plusSeconds(1))) {
                    secondSentBeforeFirstSettled.set(!firstUpdateDone.get());
                  }
                  if (scheduled.equals(T.plusSeconds(2))) {
                    thirdFireSent.countDown();
                  }
                });
    schedule(1, "* * * * * ?", T, 5);

    passOver(storeWhoseFirstUpdateWaitsFor(thirdFireSent, firstUpdateDone))
        .run(0, T.plusMillis(3500), () -> false, () -> false);

    assertThat(sent)
        .extracting(Sent::at)
        .containsExactly(T, T.plusSeconds(1), T.plusSeconds(2), T.plusSeconds(3));
    assertThat(sent)
        .allSatisfy(s -> assertThat(s.events().get(0).scheduledTime()).isEqualTo(s.at()));
    assertThat(secondSentBeforeFirstSettled).isTrue();
    assertThat(nextFire(1)).isEqualTo(T.plusSeconds(4));
    assertThat(store.fireTimes(List.of(1L)).get(1L).previous()).isEqualTo(T.plusSeconds(3));
  }

  @Test
  void a_fire_the_broker_refused_ends_the_chain_and_is_sent_again_with_none_skipped()
      throws Exception {
    // The first fire is refused and its update hangs until the second (claimed from memory) has
    // left: the row stays at the first fire, so the pass stops claiming ahead and, once its fires
    // are settled, reads the row again and sends the refused fire again.
    brokerRefuses = Set.of("1-" + T.toEpochMilli());
    CountDownLatch secondFireSent = new CountDownLatch(1);
    onSend =
        fires -> {
          if (fires.stream().anyMatch(f -> f.get(0).scheduledTime().equals(T.plusSeconds(1)))) {
            brokerRefuses = Set.of();
            secondFireSent.countDown();
          }
        };
    schedule(1, "* * * * * ?", T, 5);

    passOver(storeWhoseFirstUpdateWaitsFor(secondFireSent, new AtomicBoolean()))
        .run(0, T.plusMillis(3500), () -> false, () -> false);

    List<Instant> scheduled =
        sent.stream().flatMap(s -> s.events().stream()).map(FireEvent::scheduledTime).toList();
    assertThat(scheduled.get(0)).isEqualTo(T);
    assertThat(scheduled.subList(1, scheduled.size())).contains(T);
    assertThat(scheduled)
        .contains(T, T.plusSeconds(1), T.plusSeconds(2), T.plusSeconds(3))
        .allSatisfy(at -> assertThat(at).isBefore(T.plusSeconds(4)));
    assertThat(nextFire(1)).isEqualTo(T.plusSeconds(4));
  }

  /**
   * A pass over {@code over} whose claims and settles run beside the publishing, as deployed. The
   * clock moves only once they are done or held back on purpose, as on a machine infinitely fast
   * next to the test's time, so no outcome depends on how loaded the machine running it is.
   */
  private PartitionPass passOver(TriggerStore over) {
    return new PartitionPass(
        over,
        cache,
        publisher,
        PROPERTIES,
        clock,
        (work, until) -> {
          workers.awaitQuiet();
          if (work == null || !work.isDone()) {
            movingClock().waitFor(null, until);
          }
        },
        workers);
  }

  /**
   * The pass's store, except that its first update waits (at most 10 s) until {@code released}
   * opens; {@code firstUpdateDone} is set once that update is in.
   */
  private TriggerStore storeWhoseFirstUpdateWaitsFor(
      CountDownLatch released, AtomicBoolean firstUpdateDone) {
    return new TriggerStore(JdbcClient.create(dataSource), new JdbcTemplate(dataSource), 1) {
      @Override
      void advance(List<Advance> moves, Instant now) {
        if (!firstUpdateDone.get()) {
          try {
            workers.park(released);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        super.advance(moves, now);
        firstUpdateDone.set(true);
      }
    };
  }

  /** Waiting moves the clock to the moment waited for, at once. */
  private PartitionPass.Sleeper movingClock() {
    return (work, until) -> {
      if (until.isAfter(clock.instant())) {
        clock.set(until);
      }
    };
  }

  private void schedule(long jobId, String cron, Instant next, int priority) {
    cached.put(jobId, new JobCache.CachedJob(spec(cron, priority), JobStatus.ACTIVE, 1));
    store.put(jobId, TriggerStore.State.WAITING, next, priority, clock.instant());
  }

  private Instant nextFire(long jobId) {
    return store.fireTimes(List.of(jobId)).get(jobId).next();
  }

  private Map<Long, JobCache.CachedJob> found(Collection<Long> ids) {
    Map<Long, JobCache.CachedJob> found = new HashMap<>();
    ids.forEach(id -> found.put(id, cached.get(id)));
    return found;
  }

  private static JobSpec spec(String cron, int priority) {
    return TestSpecs.cron(
        "app", "handler", null, cron, 1, Map.of(), false, priority, Duration.ofMinutes(1));
  }
}
