package dev.scheduler.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {

  private static final Instant DUE = Instant.parse("2026-10-25T01:30:00.250Z");

  @Test
  void the_same_job_due_at_the_same_instant_always_gets_the_same_ids() {
    String first = Ids.fireId(7, DUE);
    String second = Ids.fireId(7, Instant.ofEpochMilli(DUE.toEpochMilli()));

    assertThat(first).isEqualTo(second).isEqualTo("7-" + DUE.toEpochMilli());
    assertThat(Ids.executionId(first, 2)).isEqualTo(Ids.executionId(second, 2));
    assertThat(Ids.attemptKey(Ids.executionId(first, 2), 3))
        .isEqualTo(Ids.executionId(first, 2) + "#3");
  }

  @Test
  void different_jobs_times_shards_and_attempts_never_share_an_id() {
    Set<String> ids = new HashSet<>();
    for (long job = 1; job <= 12; job++) {
      for (long millis = 0; millis < 12; millis++) {
        String fireId = Ids.fireId(job, DUE.plusMillis(millis));
        for (int shard = 0; shard < 12; shard++) {
          String executionId = Ids.executionId(fireId, shard);
          for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(ids.add(Ids.attemptKey(executionId, attempt))).isTrue();
          }
        }
      }
    }
    assertThat(ids).hasSize(12 * 12 * 12 * 3);
  }

  @Test
  void job_1_at_12ms_differs_from_job_11_at_2ms() {
    assertThat(Ids.fireId(1, Instant.ofEpochMilli(12)))
        .isNotEqualTo(Ids.fireId(11, Instant.ofEpochMilli(2)));
  }

  @Test
  void sub_millisecond_parts_of_the_due_time_do_not_change_the_id() {
    assertThat(Ids.fireId(3, DUE.plusNanos(999_999))).isEqualTo(Ids.fireId(3, DUE));
  }

  @Test
  void negative_shards_and_attempts_below_one_are_refused() {
    assertThatThrownBy(() -> Ids.executionId("1-1", -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Ids.attemptKey("1-1-0", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_fire_events_attempt_key_follows_its_attempt() {
    FireEvent fire = MessagesJsonTest.fire();

    FireEvent retry = fire.nextAttempt(3, DUE.plusSeconds(5));

    assertThat(retry.executionId()).isEqualTo(fire.executionId());
    assertThat(retry.attemptKey()).isEqualTo(fire.executionId() + "#3");
    assertThat(retry.firedTime()).isEqualTo(DUE.plusSeconds(5));
  }

  @Test
  void an_execution_id_gives_back_its_job_due_time_and_shard() {
    Instant due = Instant.parse("2026-05-01T08:00:00.123Z");
    String id = Ids.executionId(Ids.fireId(42, due), 7);

    Ids.ExecutionIdParts parts = Ids.parseExecutionId(id);

    assertThat(parts).isEqualTo(new Ids.ExecutionIdParts(42, due, 7));
    assertThat(parts.fireId()).isEqualTo(Ids.fireId(42, due));
  }

  @Test
  void a_malformed_execution_id_is_refused_with_the_expected_form() {
    for (String bad : new String[] {null, "", "42", "42-x-1", "a-1-2", "1-2-3-4"}) {
      assertThatThrownBy(() -> Ids.parseExecutionId(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("<jobId>-<epoch ms>-<shard>");
    }
  }
}
