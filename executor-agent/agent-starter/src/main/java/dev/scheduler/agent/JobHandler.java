package dev.scheduler.agent;

/**
 * A handler of BEAN jobs as a class: a bean implementing it runs the jobs whose {@code handler} is
 * {@link #name()}. The alternative to {@link SchedulerJob} on a method.
 */
public interface JobHandler {

  /** The handler name jobs refer to; unique within the application. */
  String name();

  /**
   * Runs one shard of one fire.
   *
   * @return the result to record (its {@code toString()}, cut to 4 KiB), or null
   * @throws Exception to fail the execution; its message and cause become the execution's error
   */
  Object run(JobContext context) throws Exception;
}
