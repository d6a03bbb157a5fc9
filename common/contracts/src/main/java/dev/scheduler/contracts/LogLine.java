package dev.scheduler.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Objects;

/**
 * One line of an execution's log.
 *
 * @param seq position in the attempt's log, from 0, so that batches arriving out of order or twice
 *     are stored once and in order
 * @param time when the handler wrote it, UTC
 * @param level INFO, WARN or ERROR
 * @param message the text, cut to {@link Contracts#MAX_LOG_LINE_CHARS}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LogLine(long seq, Instant time, String level, String message) {

  public LogLine {
    Objects.requireNonNull(time, "time");
    level = Objects.requireNonNullElse(level, "INFO");
    message = Bounded.text(Objects.requireNonNullElse(message, ""), Contracts.MAX_LOG_LINE_CHARS);
  }
}
