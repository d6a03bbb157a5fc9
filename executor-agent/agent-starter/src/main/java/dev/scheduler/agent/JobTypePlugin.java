package dev.scheduler.agent;

/**
 * A job type the platform does not know, run for CUSTOM jobs: a bean implementing it runs the
 * CUSTOM jobs whose {@code handler} is {@link #type()}, configured by the job's {@code jobData}.
 */
public interface JobTypePlugin {

  /** The name CUSTOM jobs choose the plugin by. */
  String type();

  /**
   * Runs one shard of one fire.
   *
   * @param context the fire, with its {@code jobData} in {@link JobContext#jobData()}
   * @return the result to record, or null
   * @throws Exception to fail the execution
   */
  Object run(JobContext context) throws Exception;
}
