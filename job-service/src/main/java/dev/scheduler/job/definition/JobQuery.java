package dev.scheduler.job.definition;

/**
 * A listing of jobs: filters (null = any), page and order.
 *
 * @param app only jobs of this app
 * @param status only jobs in this state; null lists ACTIVE and PAUSED
 * @param text only jobs whose name or tags contain this text
 * @param scheduleType only jobs with this kind of schedule
 * @param page 0-based page
 * @param size entries per page
 * @param sort the column to order by
 * @param descending whether the order is descending
 */
public record JobQuery(
    String app,
    JobStatus status,
    String text,
    ScheduleType scheduleType,
    int page,
    int size,
    SortField sort,
    boolean descending) {

  /** The orders a listing may ask for. */
  public enum SortField {
    ID("id"),
    NAME("name"),
    APP("app"),
    PRIORITY("priority"),
    CREATED_AT("created_at"),
    UPDATED_AT("updated_at");

    private final String column;

    SortField(String column) {
      this.column = column;
    }

    String column() {
      return column;
    }
  }
}
