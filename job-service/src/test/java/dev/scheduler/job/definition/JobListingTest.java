package dev.scheduler.job.definition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduler.contracts.BlockStrategy;
import dev.scheduler.contracts.JobType;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.testkit.SchemaEngine;
import dev.scheduler.testkit.TestDatabase;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * How a listing counts its matches on MariaDB: exactly up to the bound (here 10, in production
 * 10,000), "at least the bound" beyond it, and not at all on a last page; text matches name or tags
 * whatever the case, through the search index when a part of the text is rare (here: in at most 3
 * jobs) and by scanning when it is common.
 */
class JobListingTest {

  private static JobRepository jobs;

  @BeforeAll
  static void jobs() {
    TestDatabase db = SchemaEngine.MARIADB.migrated("job_listing");
    DriverManagerDataSource dataSource =
        new DriverManagerDataSource(db.jdbcUrl(), db.username(), db.password());
    JdbcClient jdbc = JdbcClient.create(dataSource);
    Timestamp now = Timestamp.from(Instant.parse("2026-11-30T12:00:00Z"));
    for (int i = 0; i < 25; i++) {
      jdbc.sql(
              "INSERT INTO scheduler_job_definition (app, name, job_type, schedule_type,"
                  + " timeout_ms, status, created_at, updated_at, tags)"
                  + " VALUES ('billing', ?, 'BEAN', 'API', 1000, 'ACTIVE', ?, ?, ?)")
          .params("job-" + i, now, now, i < 12 ? "Nightly" : "hourly")
          .update();
    }
    // Inserted behind the repository's back, as jobs stored before the search index existed: the
    // index learns them as job-service starts.
    jobs = new JobRepository(jdbc, dataSource, 10, new JobSearchIndex(jdbc, 3));
    assertThat(jobs.indexUnsearchableJobs()).isEqualTo(25);
  }

  @Test
  void a_count_past_the_bound_says_at_least_the_bound() {
    JobRepository.Page page = jobs.list(query(null, 0, 5));

    assertThat(page.jobs()).hasSize(5);
    assertThat(page.total()).isEqualTo(10);
    assertThat(page.totalExact()).isFalse();
  }

  @Test
  void a_count_within_the_bound_is_exact() {
    JobRepository.Page page = jobs.list(query("job-2", 0, 3)); // job-2, job-20 … job-24

    assertThat(page.jobs()).hasSize(3);
    assertThat(page.total()).isEqualTo(6);
    assertThat(page.totalExact()).isTrue();
  }

  @Test
  void text_matches_tags_whatever_the_case() {
    JobRepository.Page page = jobs.list(query("NIGHTLY", 2, 5)); // 12 tagged "Nightly"

    assertThat(page.jobs()).extracting(JobDefinition::id).hasSize(2);
    assertThat(page.total()).isEqualTo(12);
    assertThat(page.totalExact()).isTrue();
  }

  @Test
  void the_last_page_gives_the_total_without_counting_past_it() {
    JobRepository.Page last = jobs.list(query(null, 2, 10));

    assertThat(last.jobs()).hasSize(5);
    assertThat(last.total()).isEqualTo(25);
    assertThat(last.totalExact()).isTrue();
  }

  @Test
  void a_rare_part_of_a_name_finds_exactly_its_job() {
    JobRepository.Page page = jobs.list(query("B-13", 0, 5));

    assertThat(page.jobs()).extracting(j -> j.spec().name()).containsExactly("job-13");
    assertThat(page.total()).isEqualTo(1);
  }

  @Test
  void a_part_no_job_has_finds_nothing() {
    JobRepository.Page page = jobs.list(query("job-99", 0, 5));

    assertThat(page.jobs()).isEmpty();
    assertThat(page.total()).isZero();
  }

  @Test
  void a_renamed_job_is_found_by_its_new_name_only_and_a_deleted_one_not_at_all() {
    Instant now = Instant.parse("2026-11-30T13:00:00Z");
    long renamed = jobs.insert(spec("invoice-export", List.of()), JobStatus.ACTIVE, now, "test");
    long deleted =
        jobs.insert(spec("ledger-close", List.of("Clôture")), JobStatus.ACTIVE, now, "t");
    assertThat(jobs.list(ledger("voice-ex", 0, 5)).jobs())
        .extracting(JobDefinition::id)
        .containsExactly(renamed);
    assertThat(jobs.list(ledger("CLOTURE", 0, 5)).jobs())
        .extracting(JobDefinition::id)
        .containsExactly(deleted); // accents and case folded

    assertThat(jobs.update(renamed, spec("payroll-export", List.of()), 0, now, "test")).isTrue();
    assertThat(jobs.changeStatus(deleted, JobStatus.ACTIVE, JobStatus.DELETED, now, "t")).isTrue();

    assertThat(jobs.list(ledger("voice-ex", 0, 5)).jobs()).isEmpty();
    assertThat(jobs.list(ledger("roll-exp", 0, 5)).jobs())
        .extracting(JobDefinition::id)
        .containsExactly(renamed);
    assertThat(jobs.list(ledger("ledger-cl", 0, 5)).jobs()).isEmpty();
  }

  private static JobSpec spec(String name, List<String> tags) {
    return new JobSpec(
        "ledger", // an app of its own: the other cases count billing's jobs
        name,
        null,
        JobType.BEAN,
        "quick",
        null,
        null,
        new Schedule(ScheduleType.API, null, null, null, ZoneOffset.UTC, null, null),
        1,
        Map.of(),
        false,
        5,
        Duration.ofSeconds(1),
        RetryPolicy.NONE,
        MisfirePolicy.FIRE_NOW,
        0,
        BlockStrategy.SERIAL,
        null,
        List.of(),
        tags);
  }

  private static JobQuery ledger(String text, int page, int size) {
    return new JobQuery("ledger", null, text, null, page, size, JobQuery.SortField.ID, false);
  }

  private static JobQuery query(String text, int page, int size) {
    return new JobQuery("billing", null, text, null, page, size, JobQuery.SortField.ID, false);
  }
}
