package dev.scheduler.contracts;

import java.util.List;

/** Names of the broker topics. */
public final class Topics {

  /** {@link FireEvent}s; tag = app, key = execution id. */
  public static final String FIRE = "SCHEDULER_FIRE";

  /** {@link ExecutionEvent}s; tag = event type, key = execution id. */
  public static final String EXECUTION = "SCHEDULER_EXECUTION";

  /** {@link ControlCommand}s, consumed in broadcast mode by the agents; tag = app. */
  public static final String CONTROL = "SCHEDULER_CONTROL";

  /** {@link NodeStateChanged} events; tag = new state, key = node id. */
  public static final String NODE_STATE = "SCHEDULER_NODE_STATE";

  /** Every topic of the platform, to create up front on a broker that does not auto-create. */
  public static final List<String> ALL = List.of(FIRE, EXECUTION, CONTROL, NODE_STATE);

  private Topics() {}

  /**
   * The tag of the {@link #FIRE} events of {@code app}'s broadcast jobs: one event per live agent,
   * each naming its {@link FireEvent#targetNode()}; every agent of the app receives them all
   * (broadcasting consumer) and runs its own. Apart from the app's own tag, so that the app's
   * shared consumer group never takes them.
   */
  public static String broadcastTag(String app) {
    return app + ".broadcast";
  }
}
