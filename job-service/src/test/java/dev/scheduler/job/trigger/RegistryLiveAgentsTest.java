package dev.scheduler.job.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.scheduler.support.ServiceIdentity;
import dev.scheduler.testkit.SettableClock;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node-list client of broadcast jobs against an HTTP server answering as execution-service's
 * {@code GET /api/v1/nodes} does: paging, the cache, background refresh, and what it does when
 * execution-service does not answer.
 */
class RegistryLiveAgentsTest {

  private final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final AtomicReference<List<String>> online = new AtomicReference<>(List.of());
  private final AtomicInteger calls = new AtomicInteger();
  private volatile int status = 200;
  private HttpServer server;
  private RegistryLiveAgents agents;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/v1/nodes",
        exchange -> {
          calls.incrementAndGet();
          String query = exchange.getRequestURI().getQuery();
          int page = Integer.parseInt(query.replaceAll(".*page=(\\d+).*", "$1"));
          List<String> nodes = online.get();
          // Two nodes per page, to make the client follow the pages.
          List<String> items =
              nodes.subList(Math.min(nodes.size(), page * 2), Math.min(nodes.size(), page * 2 + 2));
          String body =
              "{\"items\":["
                  + String.join(
                      ",",
                      items.stream()
                          .map(n -> "{\"nodeId\":\"" + n + "\",\"state\":\"ONLINE\"}")
                          .toList())
                  + "],\"page\":"
                  + page
                  + ",\"size\":2,\"totalItems\":"
                  + nodes.size()
                  + ",\"totalPages\":"
                  + ((nodes.size() + 1) / 2)
                  + "}";
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, status == 200 ? bytes.length : -1);
          if (status == 200) {
            exchange.getResponseBody().write(bytes);
          }
          exchange.close();
        });
    server.start();
    agents =
        new RegistryLiveAgents(
            "http://127.0.0.1:" + server.getAddress().getPort(), clock, ServiceIdentity.none());
  }

  @AfterEach
  void stop() {
    agents.destroy();
    server.stop(0);
  }

  @Test
  void the_first_question_reads_every_page_and_later_ones_come_from_the_cache() {
    online.set(List.of("c", "a", "b"));

    assertThat(agents.online("billing")).containsExactly("a", "b", "c");
    int afterFirst = calls.get();
    assertThat(afterFirst).isEqualTo(2);
    assertThat(agents.online("billing")).containsExactly("a", "b", "c");
    assertThat(calls.get()).isEqualTo(afterFirst);
  }

  @Test
  void a_stale_answer_is_used_while_a_fresh_one_is_fetched_in_the_background() {
    online.set(List.of("a"));
    agents.online("billing");
    online.set(List.of("a", "b"));
    clock.advance(Duration.ofSeconds(3));

    assertThat(agents.online("billing")).containsExactly("a");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> agents.online("billing").equals(List.of("a", "b")));
  }

  @Test
  void when_execution_service_does_not_answer_the_last_known_agents_stay_in_use() {
    online.set(List.of("a"));
    agents.online("billing");
    status = 503;
    clock.advance(Duration.ofSeconds(3));
    agents.online("billing");

    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 2);
    assertThat(agents.online("billing")).containsExactly("a");
    assertThat(agents.online("unknown-app")).isEmpty();
  }
}
