package dev.scheduler.job.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduler.contracts.BlockStrategy;
import dev.scheduler.contracts.JobType;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.job.definition.JobSpec;
import dev.scheduler.job.definition.MisfirePolicy;
import dev.scheduler.job.definition.Schedule;
import dev.scheduler.job.definition.ScheduleType;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fire times at fixed instants: time zones, daylight-saving transitions, bounds. No waiting. */
class FireScheduleTest {

  private final ScanTriggerEngine engine = new ScanTriggerEngine(null, null);

  private static JobSpec spec(Schedule schedule, MisfirePolicy misfire) {
    return new JobSpec(
        "billing",
        "job",
        null,
        JobType.BEAN,
        "h",
        null,
        null,
        schedule,
        1,
        Map.of(),
        false,
        5,
        Duration.ofMinutes(1),
        RetryPolicy.NONE,
        misfire,
        10,
        BlockStrategy.SERIAL,
        null,
        List.of(),
        List.of());
  }

  private static Schedule cron(String cron, String zone) {
    return new Schedule(ScheduleType.CRON, cron, null, null, ZoneId.of(zone), null, null);
  }

  @Test
  void a_daily_cron_keeps_its_local_time_across_the_spring_dst_change() {
    // Europe/Berlin moves from UTC+1 to UTC+2 on 2026-03-29.
    List<Instant> times =
        engine.preview(
            spec(cron("0 0 9 * * ?", "Europe/Berlin"), MisfirePolicy.FIRE_NOW),
            Instant.parse("2026-03-27T12:00:00Z"),
            3);

    assertThat(times)
        .containsExactly(
            Instant.parse("2026-03-28T08:00:00Z"),
            Instant.parse("2026-03-29T07:00:00Z"),
            Instant.parse("2026-03-30T07:00:00Z"));
  }

  @Test
  void a_time_that_does_not_exist_on_the_spring_dst_day_is_skipped_that_day() {
    // 02:30 does not exist in Berlin on 2026-03-29 (clocks jump from 02:00 to 03:00).
    List<Instant> times =
        engine.preview(
            spec(cron("0 30 2 * * ?", "Europe/Berlin"), MisfirePolicy.FIRE_NOW),
            Instant.parse("2026-03-28T00:00:00Z"),
            2);

    assertThat(times)
        .containsExactly(
            Instant.parse("2026-03-28T01:30:00Z"), Instant.parse("2026-03-30T00:30:00Z"));
  }

  @Test
  void a_time_that_occurs_twice_on_the_autumn_dst_day_fires_once_at_its_standard_time_occurrence() {
    // 02:30 happens twice in Berlin on 2026-10-25 (clocks fall back from 03:00 to 02:00); Quartz
    // fires once, at the second one (02:30 CET = 01:30 UTC).
    List<Instant> times =
        engine.preview(
            spec(cron("0 30 2 * * ?", "Europe/Berlin"), MisfirePolicy.FIRE_NOW),
            Instant.parse("2026-10-24T12:00:00Z"),
            2);

    assertThat(times)
        .containsExactly(
            Instant.parse("2026-10-25T01:30:00Z"), Instant.parse("2026-10-26T01:30:00Z"));
  }

  @Test
  void the_same_cron_fires_at_different_instants_in_different_zones() {
    Instant from = Instant.parse("2026-06-01T00:00:00Z");

    Instant utc =
        engine.preview(spec(cron("0 0 8 * * ?", "UTC"), MisfirePolicy.SKIP), from, 1).get(0);
    Instant shanghai =
        engine
            .preview(spec(cron("0 0 8 * * ?", "Asia/Shanghai"), MisfirePolicy.SKIP), from, 1)
            .get(0);

    assertThat(utc).isEqualTo(Instant.parse("2026-06-01T08:00:00Z"));
    assertThat(shanghai).isEqualTo(Instant.parse("2026-06-01T00:00:00Z"));
  }

  @Test
  void start_and_end_bound_the_fires() {
    Schedule bounded =
        new Schedule(
            ScheduleType.CRON,
            "0 0 * * * ?",
            null,
            null,
            ZoneOffset.UTC,
            Instant.parse("2026-01-01T10:30:00Z"),
            Instant.parse("2026-01-01T13:00:00Z"));

    List<Instant> times =
        engine.preview(
            spec(bounded, MisfirePolicy.FIRE_NOW), Instant.parse("2026-01-01T00:00:00Z"), 10);

    assertThat(times)
        .containsExactly(
            Instant.parse("2026-01-01T11:00:00Z"),
            Instant.parse("2026-01-01T12:00:00Z"),
            Instant.parse("2026-01-01T13:00:00Z"));
  }

  @Test
  void a_fixed_rate_fires_one_interval_after_creation_unless_a_start_is_given() {
    Instant created = Instant.parse("2026-01-01T00:00:00Z");
    Schedule everyMinute =
        new Schedule(
            ScheduleType.FIXED_RATE, null, Duration.ofMinutes(1), null, ZoneOffset.UTC, null, null);
    Schedule fromNoon =
        new Schedule(
            ScheduleType.FIXED_RATE,
            null,
            Duration.ofMinutes(1),
            null,
            ZoneOffset.UTC,
            Instant.parse("2026-01-01T12:00:00Z"),
            null);

    assertThat(engine.preview(spec(everyMinute, MisfirePolicy.FIRE_NOW), created, 2))
        .containsExactly(
            Instant.parse("2026-01-01T00:01:00Z"), Instant.parse("2026-01-01T00:02:00Z"));
    assertThat(engine.preview(spec(fromNoon, MisfirePolicy.FIRE_NOW), created, 1))
        .containsExactly(Instant.parse("2026-01-01T12:00:00Z"));
  }

  @Test
  void a_one_time_job_fires_once_and_an_api_job_never_by_itself() {
    Instant at = Instant.parse("2026-07-01T10:00:00Z");
    Schedule once = new Schedule(ScheduleType.ONE_TIME, null, null, at, ZoneOffset.UTC, null, null);
    Schedule api = new Schedule(ScheduleType.API, null, null, null, ZoneOffset.UTC, null, null);

    assertThat(
            engine.preview(
                spec(once, MisfirePolicy.FIRE_NOW), Instant.parse("2026-01-01T00:00:00Z"), 5))
        .containsExactly(at);
    assertThat(engine.preview(spec(api, MisfirePolicy.FIRE_NOW), at, 5)).isEmpty();
  }
}
