package dev.scheduler.sample;

import dev.scheduler.agent.JobContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * One line per finished run of the {@code tally} job (execution id, attempt, shard, due time, the
 * lease's fencing token), appended to a file with one write each, so that the lines of an instance
 * killed without warning are kept. Checks of the platform's guarantees count runs from these files,
 * independently of what the platform recorded.
 */
@Component
public class TallyFile {

  private final Path file;

  public TallyFile(@Value("${sample.tally-file:}") String file) {
    this.file = file.isBlank() ? null : Path.of(file);
  }

  /** Counts a run; without {@code sample.tally-file} the run is not counted anywhere. */
  public synchronized void add(JobContext context) {
    if (file == null) {
      return;
    }
    String line =
        context.executionId()
            + " "
            + context.attempt()
            + " "
            + context.shardIndex()
            + " "
            + context.scheduledTime()
            + " "
            + context.fencingToken()
            + "\n";
    try {
      Files.writeString(
          file,
          line,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot count the run in " + file, e);
    }
  }
}
