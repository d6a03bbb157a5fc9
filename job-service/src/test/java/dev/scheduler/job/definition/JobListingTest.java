package dev.scheduler.job.definition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduler.testkit.SchemaEngine;
import dev.scheduler.testkit.TestDatabase;
import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * How a listing counts its matches on MariaDB: exactly up to the bound (here 10, in production
 * 10,000), "at least the bound" beyond it, and not at all on a last page; text matches name or tags
 * whatever the case.
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
    jobs = new JobRepository(jdbc, dataSource, 10);
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

  private static JobQuery query(String text, int page, int size) {
    return new JobQuery("billing", null, text, null, page, size, JobQuery.SortField.ID, false);
  }
}
