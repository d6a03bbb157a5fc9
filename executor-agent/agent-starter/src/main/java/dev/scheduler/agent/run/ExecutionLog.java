package dev.scheduler.agent.run;

import dev.scheduler.agent.JobLog;
import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.LogLine;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.MessageFormatter;

/**
 * The log lines of one execution, buffered until the next flush. An execution sends at most {@link
 * #MAX_LINES} lines; the lines after that are counted and replaced by one marker line, so the
 * platform's log store is never flooded and the cut is visible.
 */
class ExecutionLog implements JobLog {

  static final int MAX_LINES = 10_000;
  private static final Logger appLog = LoggerFactory.getLogger("dev.scheduler.agent.job");

  private final String executionId;
  private final Clock clock;
  private final Queue<LogLine> buffer = new ConcurrentLinkedQueue<>();
  private final AtomicLong seq = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  ExecutionLog(String executionId, Clock clock) {
    this.executionId = executionId;
    this.clock = clock;
  }

  @Override
  public void info(String message, Object... args) {
    add("INFO", message, args);
  }

  @Override
  public void warn(String message, Object... args) {
    add("WARN", message, args);
  }

  @Override
  public void error(String message, Object... args) {
    add("ERROR", message, args);
  }

  void add(String level, String message, Object... args) {
    String text = MessageFormatter.arrayFormat(message, args).getMessage();
    appLog.info("[{}] {} {}", executionId, level, text);
    long n = seq.incrementAndGet();
    if (n > MAX_LINES) {
      dropped.incrementAndGet();
      return;
    }
    buffer.add(new LogLine(n, clock.instant(), level, text));
  }

  /** The buffered lines in batches of at most one event's worth; with the marker at the end. */
  List<List<LogLine>> drain(boolean last) {
    List<List<LogLine>> batches = new ArrayList<>();
    List<LogLine> batch = new ArrayList<>();
    LogLine line;
    while ((line = buffer.poll()) != null) {
      batch.add(line);
      if (batch.size() == Contracts.MAX_LOG_LINES_PER_EVENT) {
        batches.add(batch);
        batch = new ArrayList<>();
      }
    }
    long cut = dropped.get();
    if (last && cut > 0) {
      if (batch.size() == Contracts.MAX_LOG_LINES_PER_EVENT) {
        batches.add(batch);
        batch = new ArrayList<>();
      }
      batch.add(
          new LogLine(
              MAX_LINES + 1,
              clock.instant(),
              "WARN",
              "["
                  + cut
                  + " more log lines not kept: an execution keeps at most "
                  + MAX_LINES
                  + "]"));
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
    }
    return batches;
  }
}
