package dev.scheduler.contracts;

/** Liveness of an agent instance as the node registry sees it. */
public enum NodeState {
  /** Heartbeats arrive on time. */
  ONLINE,
  /** Heartbeats are late; the node gets no new work but keeps what it runs. */
  SUSPECT,
  /** Heartbeats stopped; its running executions are failed over. */
  OFFLINE
}
