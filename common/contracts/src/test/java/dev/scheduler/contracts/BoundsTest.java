package dev.scheduler.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BoundsTest {

  @Test
  void a_text_within_the_bound_is_kept_as_it_is() {
    assertThat(Bounded.text("short", 5)).isEqualTo("short");
    assertThat(Bounded.text(null, 5)).isNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 10, 30, 31, 99, 100, 1_000, 9_999})
  void a_long_text_is_cut_to_the_bound_and_says_exactly_how_much_was_cut(int bound) {
    String text = "x".repeat(10_000);

    String cut = Bounded.text(text, bound);

    assertThat(cut).hasSizeLessThanOrEqualTo(bound);
    if (cut.contains("[truncated ")) {
      int kept = cut.indexOf("... [truncated ");
      String count = cut.substring(cut.lastIndexOf(' ', cut.length() - 8) + 1, cut.length() - 7);
      assertThat(Integer.parseInt(count)).isEqualTo(text.length() - kept);
      assertThat(cut).hasSize(bound);
    }
  }

  @Test
  void execution_events_cut_results_errors_and_log_lines_to_their_bounds() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    String huge = "y".repeat(100_000);

    ExecutionEvent event =
        ExecutionEvent.of(ExecutionEventType.FAILED, MessagesJsonTest.fire(), "n", now)
            .withResult(huge)
            .withError(huge)
            .withLogLines(List.of(new LogLine(0, now, "ERROR", huge)));

    assertThat(event.result()).hasSize(Contracts.MAX_RESULT_CHARS).contains("[truncated ");
    assertThat(event.error()).hasSize(Contracts.MAX_ERROR_CHARS).contains("[truncated ");
    assertThat(event.logLines().get(0).message()).hasSize(Contracts.MAX_LOG_LINE_CHARS);
  }

  @Test
  void an_execution_event_refuses_more_log_lines_than_its_bound() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    List<LogLine> lines =
        IntStream.rangeClosed(0, Contracts.MAX_LOG_LINES_PER_EVENT)
            .mapToObj(i -> new LogLine(i, now, "INFO", "line " + i))
            .toList();
    ExecutionEvent event =
        ExecutionEvent.of(ExecutionEventType.LOG, MessagesJsonTest.fire(), "n", now);

    assertThatThrownBy(() -> event.withLogLines(lines))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(Contracts.MAX_LOG_LINES_PER_EVENT));
    assertThat(event.withLogLines(Collections.nCopies(3, lines.get(0))).logLines()).hasSize(3);
  }

  @Test
  void app_names_are_limited_to_characters_the_broker_accepts_in_group_names() {
    assertThat(ConsumerGroups.agentFires("billing-eu_1")).isEqualTo("scheduler-agent-billing-eu_1");

    assertThatThrownBy(() -> ConsumerGroups.agentFires("billing eu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("billing eu");
    assertThatThrownBy(() -> ConsumerGroups.agentFires("a".repeat(65)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConsumerGroups.agentFires(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void problem_codes_have_stable_type_uris_and_statuses() {
    assertThat(ProblemCode.VALIDATION_FAILED.type().toString())
        .isEqualTo("urn:scheduler:problem:validation-failed");
    assertThat(ProblemCode.VERSION_CONFLICT.status()).isEqualTo(409);
    assertThat(ProblemCode.RATE_LIMITED.status()).isEqualTo(429);
  }
}
