package dev.scheduler.monitor.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduler.contracts.Json;
import dev.scheduler.monitor.HttpRecorder;
import dev.scheduler.monitor.TestRules;
import dev.scheduler.monitor.alert.Alert.Status;
import dev.scheduler.monitor.alert.AlertRule;
import dev.scheduler.monitor.alert.AlertRules;
import dev.scheduler.monitor.alert.Alerts;
import dev.scheduler.testkit.RealServers;
import dev.scheduler.testkit.SettableClock;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The node registry read from a local server standing for execution-service: nodes by state for
 * Prometheus, each live node's load in the minute rollups and its series, and an app whose agents
 * are all gone raising a no-live-agent alert that one agent's return resolves.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "scheduler.monitor.group-suffix=-nodes-test",
      "scheduler.monitor.nodes.sample-interval=1h"
    })
@RealServers(redis = false)
// closed after the class: a live context would go on consuming the shared topics
@DirtiesContext
class NodeSamplerTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:15:20Z");
  private static final String APP = "nodes-" + UUID.randomUUID().toString().substring(0, 6);
  private static final HttpRecorder REGISTRY = new HttpRecorder();

  @TestConfiguration
  static class Clocks {
    @Bean
    SettableClock clock() {
      return new SettableClock(NOW);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("scheduler.monitor.execution-service-url", () -> REGISTRY.url(""));
  }

  @AfterAll
  static void stop() {
    REGISTRY.close();
  }

  @Autowired NodeSampler sampler;
  @Autowired MeterRegistry meters;
  @Autowired AlertRules rules;
  @Autowired Alerts alerts;
  @Autowired TestRestTemplate http;

  @Test
  void the_registry_gives_node_counts_loads_and_live_agent_alerts() {
    AlertRule rule =
        rules.create(
            TestRules.rule("no-agent-" + APP, "NO_LIVE_AGENT", "APP", APP), TestRules.ADMIN);
    registry(
        node("a-1", "ONLINE", 0.25), node("a-2", "OFFLINE", null), node("other-1", "SUSPECT", 0.5));

    sampler.sample();

    assertThat(meters.get("scheduler.nodes").tag("state", "ONLINE").gauge().value()).isEqualTo(1);
    assertThat(meters.get("scheduler.nodes").tag("state", "SUSPECT").gauge().value()).isEqualTo(1);
    assertThat(meters.get("scheduler.nodes").tag("state", "OFFLINE").gauge().value()).isEqualTo(1);
    Map<?, ?> series =
        http.getForObject(
            "/api/v1/metrics/nodes/"
                + APP
                + "-a-1?from=2026-11-25T10:00:00Z&to=2026-11-25T10:30:00Z",
            Map.class);
    assertThat(series.get("points").toString())
        .contains("time=2026-11-25T10:15:00Z", "cpuLoad=0.25", "running=2", "capacity=8");
    assertThat(openAlert(rule)).as("one agent of the app is online").isNull();

    // every agent of the app gone
    registry(node("a-1", "OFFLINE", null), node("a-2", "OFFLINE", null));
    sampler.sample();
    assertThat(openAlert(rule).title()).isEqualTo("no live agent of " + APP);

    // one is back
    registry(node("a-1", "ONLINE", 0.1), node("a-2", "OFFLINE", null));
    sampler.sample();
    assertThat(openAlert(rule)).isNull();
  }

  private dev.scheduler.monitor.alert.Alert openAlert(AlertRule rule) {
    return alerts.list(null, rule.id(), 0, 10).items().stream()
        .filter(a -> a.status() != Status.RESOLVED)
        .findFirst()
        .orElse(null);
  }

  private static Map<String, Object> node(String id, String state, Double cpu) {
    Map<String, Object> node = new java.util.HashMap<>();
    node.put("nodeId", (id.startsWith("other") ? "other-app" : APP) + "-" + id);
    node.put("app", id.startsWith("other") ? "other-app-" + APP : APP);
    node.put("state", state);
    node.put("capacity", 8);
    node.put("running", 2);
    node.put("cpuLoad", cpu);
    node.put("heapUsedBytes", 64_000_000L);
    return node;
  }

  @SafeVarargs
  private static void registry(Map<String, Object>... nodes) {
    REGISTRY.answer(
        "/api/v1/nodes",
        Json.toJson(
            Map.of(
                "items",
                List.of(nodes),
                "page",
                0,
                "size",
                200,
                "totalItems",
                nodes.length,
                "totalPages",
                1)));
  }
}
