package dev.scheduler.job.trigger;

import java.util.List;

/** The agents of an app that are ONLINE now, as execution-service's node registry knows them. */
public interface LiveAgents {

  /**
   * The node ids of the ONLINE agents of {@code app}, sorted; never blocks the fire path for long
   * (answers from a cache refreshed in the background).
   */
  List<String> online(String app);
}
