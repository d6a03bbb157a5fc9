package dev.scheduler.job.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scheduler.support.ServiceIdentity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Reads the ONLINE agents of an app from execution-service ({@code GET /api/v1/nodes?app=&state=
 * ONLINE}) for broadcast jobs. Answers from a per-app cache: an entry older than the refresh
 * interval is refreshed in the background while the old answer is used; only the very first
 * question about an app waits for execution-service (at most its timeout). When execution-service
 * does not answer, the last known list stays in use and the failure is logged.
 */
@Component
class RegistryLiveAgents implements LiveAgents, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(RegistryLiveAgents.class);
  private static final Duration REFRESH = Duration.ofSeconds(2);

  private record Entry(List<String> nodes, Instant fetchedAt) {}

  private final RestClient http;
  private final Clock clock;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();
  private final Map<String, Boolean> refreshing = new ConcurrentHashMap<>();
  private final ExecutorService refresher =
      Executors.newSingleThreadExecutor(DaemonThreads.named("live-agents-refresh-"));

  RegistryLiveAgents(
      @Value("${scheduler.job.execution-service-url:http://127.0.0.1:8082}") String baseUrl,
      Clock clock,
      ServiceIdentity identity) {
    SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
    requests.setConnectTimeout(Duration.ofSeconds(1));
    requests.setReadTimeout(Duration.ofSeconds(1));
    this.http =
        RestClient.builder()
            .baseUrl(baseUrl)
            .requestFactory(requests)
            .requestInterceptor(identity.forService("execution-service"))
            .build();
    this.clock = clock;
  }

  @Override
  public List<String> online(String app) {
    Entry entry = cache.get(app);
    if (entry == null) {
      return fetch(app);
    }
    if (entry.fetchedAt().plus(REFRESH).isBefore(clock.instant())
        && refreshing.putIfAbsent(app, Boolean.TRUE) == null) {
      refresher.execute(
          () -> {
            try {
              fetch(app);
            } finally {
              refreshing.remove(app);
            }
          });
    }
    return entry.nodes();
  }

  private List<String> fetch(String app) {
    try {
      List<String> nodes = new ArrayList<>();
      int page = 0;
      JsonNode body;
      do {
        body =
            http.get()
                .uri("/api/v1/nodes?app={app}&state=ONLINE&page={page}&size=200", app, page++)
                .retrieve()
                .body(JsonNode.class);
        body.path("items").forEach(node -> nodes.add(node.path("nodeId").asText()));
      } while (page < body.path("totalPages").asInt(0));
      nodes.sort(null);
      cache.put(app, new Entry(List.copyOf(nodes), clock.instant()));
      return nodes;
    } catch (RuntimeException e) {
      Entry known = cache.get(app);
      log.warn(
          "live agents of {} unknown ({}); using {}",
          app,
          e.toString(),
          known == null ? "none" : known.nodes());
      return known == null ? List.of() : known.nodes();
    }
  }

  @Override
  public void destroy() {
    refresher.shutdownNow();
  }
}
