package dev.scheduler.job.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduler.job.definition.MisfirePolicy;
import dev.scheduler.job.definition.Schedule;
import dev.scheduler.job.definition.ScheduleType;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Misfire policies at fixed instants: what a pass fires for a trigger found late. */
class FirePlanTest {

  private static final Duration THRESHOLD = Duration.ofSeconds(60);
  private static final Schedule EVERY_MINUTE =
      new Schedule(ScheduleType.CRON, "0 * * * * ?", null, null, ZoneOffset.UTC, null, null);
  private static final Instant DUE = Instant.parse("2026-01-01T10:00:00Z");

  @Test
  void a_fire_within_the_threshold_is_fired_late_and_the_schedule_goes_on_from_it() {
    FirePlan plan =
        FirePlan.of(EVERY_MINUTE, MisfirePolicy.SKIP, 10, DUE, DUE.plusSeconds(59), THRESHOLD);

    assertThat(plan.fires()).containsExactly(DUE);
    assertThat(plan.next()).isEqualTo(DUE.plusSeconds(60));
  }

  @Test
  void fire_now_fires_the_first_missed_occurrence_once_and_skips_to_after_now() {
    Instant now = DUE.plus(Duration.ofMinutes(30)).plusSeconds(5);

    FirePlan plan = FirePlan.of(EVERY_MINUTE, MisfirePolicy.FIRE_NOW, 10, DUE, now, THRESHOLD);

    assertThat(plan.fires()).containsExactly(DUE);
    assertThat(plan.next()).isEqualTo(Instant.parse("2026-01-01T10:31:00Z"));
  }

  @Test
  void skip_fires_nothing_and_waits_for_the_next_due_time() {
    Instant now = DUE.plus(Duration.ofMinutes(30)).plusSeconds(5);

    FirePlan plan = FirePlan.of(EVERY_MINUTE, MisfirePolicy.SKIP, 10, DUE, now, THRESHOLD);

    assertThat(plan.fires()).isEmpty();
    assertThat(plan.next()).isEqualTo(Instant.parse("2026-01-01T10:31:00Z"));
  }

  @Test
  void fire_all_replays_the_missed_occurrences_up_to_its_limit() {
    Instant now = DUE.plus(Duration.ofMinutes(30)).plusSeconds(5);

    FirePlan few =
        FirePlan.of(
            EVERY_MINUTE, MisfirePolicy.FIRE_ALL, 100, DUE.plusSeconds(1_680), now, THRESHOLD);
    FirePlan bounded = FirePlan.of(EVERY_MINUTE, MisfirePolicy.FIRE_ALL, 3, DUE, now, THRESHOLD);

    assertThat(few.fires())
        .containsExactly(
            Instant.parse("2026-01-01T10:28:00Z"),
            Instant.parse("2026-01-01T10:29:00Z"),
            Instant.parse("2026-01-01T10:30:00Z"));
    assertThat(bounded.fires()).containsExactly(DUE, DUE.plusSeconds(60), DUE.plusSeconds(120));
    assertThat(bounded.next()).isEqualTo(Instant.parse("2026-01-01T10:31:00Z"));
  }

  @Test
  void a_missed_fixed_rate_keeps_its_phase() {
    Schedule every7s =
        new Schedule(
            ScheduleType.FIXED_RATE, null, Duration.ofSeconds(7), null, ZoneOffset.UTC, null, null);
    Instant now = DUE.plusSeconds(100);

    FirePlan plan = FirePlan.of(every7s, MisfirePolicy.SKIP, 10, DUE, now, Duration.ofSeconds(5));

    assertThat(plan.fires()).isEmpty();
    assertThat(plan.next()).isEqualTo(DUE.plusSeconds(105));
  }

  @Test
  void a_one_time_job_fires_once_when_late_unless_it_skips() {
    Schedule once =
        new Schedule(ScheduleType.ONE_TIME, null, null, DUE, ZoneOffset.UTC, null, null);
    Instant muchLater = DUE.plus(Duration.ofHours(2));

    assertThat(FirePlan.of(once, MisfirePolicy.FIRE_NOW, 10, DUE, muchLater, THRESHOLD))
        .isEqualTo(new FirePlan(java.util.List.of(DUE), null));
    assertThat(FirePlan.of(once, MisfirePolicy.SKIP, 10, DUE, muchLater, THRESHOLD))
        .isEqualTo(new FirePlan(java.util.List.of(), null));
  }

  @Test
  void no_fire_is_planned_past_the_end_of_the_schedule() {
    Schedule ending =
        new Schedule(
            ScheduleType.CRON,
            "0 * * * * ?",
            null,
            null,
            ZoneOffset.UTC,
            null,
            DUE.plusSeconds(30));

    FirePlan plan = FirePlan.of(ending, MisfirePolicy.FIRE_NOW, 10, DUE, DUE, THRESHOLD);

    assertThat(plan.fires()).containsExactly(DUE);
    assertThat(plan.next()).isNull();
  }
}
