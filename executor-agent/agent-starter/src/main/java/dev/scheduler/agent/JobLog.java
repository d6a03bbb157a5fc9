package dev.scheduler.agent;

/**
 * Log lines of one execution. They are sent to the platform in batches and shown with the
 * execution; {@code {}} placeholders are filled in order, as in SLF4J. Lines beyond the platform's
 * bound are cut with a marker. Also written to the application's own log.
 */
public interface JobLog {

  void info(String message, Object... args);

  void warn(String message, Object... args);

  void error(String message, Object... args);
}
