package dev.scheduler.contracts;

/** Version and size limits shared by every message. */
public final class Contracts {

  /**
   * Version written into every message. Readers accept any version: fields they do not know are
   * ignored and fields a message lacks take their defaults.
   */
  public static final int SCHEMA_VERSION = 1;

  /** Longest result text an execution event carries; beyond it the text is cut with a marker. */
  public static final int MAX_RESULT_CHARS = 4_096;

  /** Longest error text (message and stack trace) an execution event carries. */
  public static final int MAX_ERROR_CHARS = 8_192;

  /** Longest single log line an execution event carries. */
  public static final int MAX_LOG_LINE_CHARS = 2_048;

  /** Most log lines one execution event carries; agents send longer logs in several batches. */
  public static final int MAX_LOG_LINES_PER_EVENT = 200;

  private Contracts() {}

  static int versionOrCurrent(int schemaVersion) {
    return schemaVersion > 0 ? schemaVersion : SCHEMA_VERSION;
  }
}
