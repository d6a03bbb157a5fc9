package dev.scheduler.contracts;

import java.util.regex.Pattern;

/** Names of the broker consumer and producer groups. */
public final class ConsumerGroups {

  /** execution-service reading {@link Topics#FIRE} to create WAITING executions. */
  public static final String EXECUTION_FIRES = "scheduler-execution-fire";

  /** execution-service reading {@link Topics#EXECUTION} to move executions forward. */
  public static final String EXECUTION_EVENTS = "scheduler-execution-events";

  /** monitor-service reading {@link Topics#EXECUTION} for metrics and alerts. */
  public static final String MONITOR_EVENTS = "scheduler-monitor-events";

  /** monitor-service reading {@link Topics#NODE_STATE}. */
  public static final String MONITOR_NODE_STATES = "scheduler-monitor-node-state";

  /** job-service sending fire events. */
  public static final String JOB_PRODUCER = "scheduler-job-producer";

  /** execution-service sending retries, control commands and node state events. */
  public static final String EXECUTION_PRODUCER = "scheduler-execution-producer";

  /** App names end up in group names and tags, so they keep to the broker's safe characters. */
  public static final Pattern APP_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}");

  private ConsumerGroups() {}

  /** The group in which the agents of {@code app} share its fire events. */
  public static String agentFires(String app) {
    return "scheduler-agent-" + requireValidApp(app);
  }

  /** The group in which the agents of {@code app} each receive every broadcast fire event. */
  public static String agentBroadcastFires(String app) {
    return "scheduler-agent-broadcast-" + requireValidApp(app);
  }

  /** The group in which the agents of {@code app} each receive every control command. */
  public static String agentControl(String app) {
    return "scheduler-agent-control-" + requireValidApp(app);
  }

  /** The group with which the agents of {@code app} report execution events. */
  public static String agentProducer(String app) {
    return "scheduler-agent-producer-" + requireValidApp(app);
  }

  /**
   * Returns {@code app} when it is a valid app name.
   *
   * @throws IllegalArgumentException otherwise, naming the allowed form
   */
  public static String requireValidApp(String app) {
    if (app == null || !APP_NAME.matcher(app).matches()) {
      throw new IllegalArgumentException(
          "app name must match " + APP_NAME.pattern() + ", got '" + app + "'");
    }
    return app;
  }
}
