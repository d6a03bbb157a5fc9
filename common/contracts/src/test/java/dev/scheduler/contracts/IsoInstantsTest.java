package dev.scheduler.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoInstantsTest {

  @Test
  void writes_what_instant_to_string_writes_and_reads_it_back_for_any_instant_of_years_0_to_9999() {
    SplittableRandom random = new SplittableRandom(7);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      int nanos =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1_000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant instant = Instant.ofEpochSecond(random.nextLong(min, max + 1), nanos);

      String text = IsoInstants.format(instant);

      assertThat(text).isEqualTo(instant.toString());
      assertThat(IsoInstants.parse(text)).isEqualTo(instant);
    }
  }

  @Test
  void reads_fractions_of_any_length_as_the_full_parser_does() {
    for (String text :
        new String[] {
          "2026-12-01T01:06:43.1Z",
          "2026-12-01T01:06:43.12Z",
          "2026-12-01T01:06:43.1234Z",
          "2026-12-01T01:06:43.12345678Z",
          "2024-02-29T23:59:59.999999999Z"
        }) {
      assertThat(IsoInstants.parse(text)).as(text).isEqualTo(Instant.parse(text));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-12-01T01:06:43+01:00",
        "2026-12-01t01:06:43z",
        "2026-02-30T01:06:43Z",
        "2026-12-01T24:00:00Z",
        "2026-12-01T01:06:43.Z",
        "2026-12-01T01:06:43.1234567890Z",
        "+12026-12-01T01:06:43Z",
        "2026-12-01 01:06:43Z",
        "2026-1x-01T01:06:43Z",
        ""
      })
  void leaves_every_other_form_to_the_full_parser(String text) {
    assertThat(IsoInstants.parse(text)).isNull();
  }

  @Test
  void messages_still_accept_the_other_iso_forms_through_the_full_parser() {
    String json =
        "{\"executionId\":\"e-1\",\"type\":\"STARTED\",\"time\":\"2026-12-01T02:06:43.5+01:00\"}";

    ExecutionEvent event = Json.fromJson(json, ExecutionEvent.class);

    assertThat(event.time()).isEqualTo(Instant.parse("2026-12-01T01:06:43.500Z"));
    assertThat(Json.toJson(event)).contains("\"time\":\"2026-12-01T01:06:43.500Z\"");
  }
}
