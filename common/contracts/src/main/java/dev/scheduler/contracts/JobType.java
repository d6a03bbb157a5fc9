package dev.scheduler.contracts;

/** What an agent runs for a fire. */
public enum JobType {
  /** A handler bean inside the agents of the job's app, named by the job's handler. */
  BEAN,
  /** An HTTP call made by the agent, described by the job data. */
  HTTP,
  /** A job-type plugin on the agent, chosen by the handler and configured by the job data. */
  CUSTOM
}
