package dev.scheduler.agent;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/**
 * Who this agent instance is in the platform: its app and a node id unique among all instances,
 * also across restarts of the same pod, so that the registry never confuses a dead instance with
 * its replacement.
 *
 * @param app the executor group
 * @param nodeId unique id of this instance
 * @param host the address other parts of the platform see it at
 */
public record AgentIdentity(String app, String nodeId, String host) {

  /** The identity configured in {@code properties}, generating the node id if none is set. */
  public static AgentIdentity of(AgentProperties properties) {
    String host =
        properties.host() != null && !properties.host().isBlank()
            ? properties.host().trim()
            : localHost();
    String nodeId =
        properties.nodeId() != null && !properties.nodeId().isBlank()
            ? properties.nodeId()
            : properties.app()
                + "@"
                + host
                + "-"
                + ProcessHandle.current().pid()
                + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    return new AgentIdentity(properties.app(), nodeId, host);
  }

  private static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostAddress();
    } catch (UnknownHostException e) {
      return ManagementFactory.getRuntimeMXBean().getName();
    }
  }
}
