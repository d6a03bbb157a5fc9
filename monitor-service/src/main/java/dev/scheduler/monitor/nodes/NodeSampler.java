package dev.scheduler.monitor.nodes;

import dev.scheduler.contracts.NodeState;
import dev.scheduler.monitor.InternalHttp;
import dev.scheduler.monitor.alert.AlertEngine;
import dev.scheduler.monitor.ingest.DeadLetters;
import dev.scheduler.support.ServiceIdentity;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Reads the node registry from execution-service (which receives the agents' heartbeats) every 30
 * s: the count of nodes by state for Prometheus ({@code scheduler_nodes{state}}), each node's load
 * in the minute rollups (scope NODE), and the live agents per app for the no-live-agent rules. An
 * app is known from its nodes in the registry, offline ones included; its agents' dead-letter queue
 * is watched from then on.
 */
@Component
public class NodeSampler {

  private static final Logger log = LoggerFactory.getLogger(NodeSampler.class);
  private static final int PAGE = 200;

  private final RestClient http;
  private final JdbcClient jdbc;
  private final AlertEngine alerts;
  private final DeadLetters deadLetters;
  private final Clock clock;
  private final Map<NodeState, Integer> byState = new EnumMap<>(NodeState.class);

  public NodeSampler(
      @Value("${scheduler.monitor.execution-service-url:http://127.0.0.1:8082}") String url,
      JdbcClient jdbc,
      AlertEngine alerts,
      DeadLetters deadLetters,
      Clock clock,
      MeterRegistry meters,
      ServiceIdentity identity) {
    this.http = InternalHttp.client(url, identity.forService("execution-service"));
    this.jdbc = jdbc;
    this.alerts = alerts;
    this.deadLetters = deadLetters;
    this.clock = clock;
    for (NodeState state : NodeState.values()) {
      Gauge.builder("scheduler.nodes", this, s -> s.count(state))
          .description("agent instances in the registry, by state (as last read)")
          .tag("state", state.name())
          .register(meters);
    }
  }

  private synchronized double count(NodeState state) {
    return byState.getOrDefault(state, 0);
  }

  @Scheduled(fixedDelayString = "${scheduler.monitor.nodes.sample-interval:30s}")
  public void scheduledSample() {
    try {
      sample();
    } catch (RuntimeException e) {
      log.warn("node registry not read: {}", e.toString());
    }
  }

  /** Reads the registry once and acts on it; returns the nodes read. */
  public List<NodeSample.Node> sample() {
    List<NodeSample.Node> nodes = new ArrayList<>();
    for (int page = 0; ; page++) {
      NodeSample sample =
          http.get()
              .uri("/api/v1/nodes?page={page}&size={size}", page, PAGE)
              .retrieve()
              .body(NodeSample.class);
      nodes.addAll(sample.items());
      if (page + 1 >= sample.totalPages()) {
        break;
      }
    }
    Instant now = clock.instant();
    Map<NodeState, Integer> counts = new EnumMap<>(NodeState.class);
    Map<String, Integer> liveByApp = new TreeMap<>();
    for (NodeSample.Node node : nodes) {
      counts.merge(node.state(), 1, Integer::sum);
      liveByApp.merge(node.app(), node.state() == NodeState.ONLINE ? 1 : 0, Integer::sum);
      if (node.state() != NodeState.OFFLINE) {
        load(node, now);
      }
    }
    synchronized (this) {
      byState.clear();
      byState.putAll(counts);
    }
    alerts.onLiveAgents(liveByApp);
    liveByApp.keySet().forEach(deadLetters::watchApp);
    return nodes;
  }

  /** The node's load in this minute's NODE row (the latest reading of the minute wins). */
  private void load(NodeSample.Node node, Instant now) {
    Timestamp minute = Timestamp.from(now.truncatedTo(ChronoUnit.MINUTES));
    jdbc.sql(
            "INSERT INTO scheduler_metrics (bucket_start, scope, subject, app, cpu_load,"
                + " heap_used_bytes, running, capacity, updated_at)"
                + " VALUES (?, 'NODE', ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
                + " cpu_load = VALUES(cpu_load), heap_used_bytes = VALUES(heap_used_bytes),"
                + " running = VALUES(running), capacity = VALUES(capacity),"
                + " updated_at = VALUES(updated_at)")
        .params(
            minute,
            node.nodeId(),
            node.app(),
            node.cpuLoad() == null || node.cpuLoad() < 0 ? null : node.cpuLoad(),
            node.heapUsedBytes(),
            node.running(),
            node.capacity(),
            Timestamp.from(now))
        .update();
  }
}
