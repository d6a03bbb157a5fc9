package dev.scheduler.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.DnsResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Calls to a real server on the loopback address, which the default policy forbids. */
class OutboundHttpTest {

  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger redirectTargetHits = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/ok",
        exchange -> {
          requests.incrementAndGet();
          byte[] body = "{\"ok\":true}".getBytes();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.createContext(
        "/echo",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.createContext(
        "/big",
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            for (int i = 0; i < 64; i++) { // 4 MiB
              out.write(chunk);
            }
          } catch (IOException e) {
            // the client stopped reading: as it should
          }
          exchange.close();
        });
    server.createContext(
        "/slow",
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 50; i++) {
              out.write('x');
              out.flush();
              Thread.sleep(100);
            }
          } catch (IOException | InterruptedException e) {
            // the client gave up: as it should
          }
          exchange.close();
        });
    server.createContext(
        "/redirect",
        exchange -> {
          exchange.getResponseHeaders().add("Location", "/target");
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    server.createContext(
        "/target",
        exchange -> {
          redirectTargetHits.incrementAndGet();
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void the_loopback_address_is_refused_by_address_and_by_a_name_resolving_to_it() throws Exception {
    try (OutboundHttp http = http(List.of())) {
      assertThatThrownBy(() -> get(http, "http://127.0.0.1:" + port() + "/ok"))
          .isInstanceOf(UnknownHostException.class)
          .hasMessage(
              "refused to connect to 127.0.0.1: 127.0.0.1 is a loopback address, not in the"
                  + " allowed ranges []");
      assertThatThrownBy(() -> get(http, "http://localhost:" + port() + "/ok"))
          .hasMessageStartingWith("refused to connect to localhost:");
    }
    assertThat(requests).hasValue(0);
  }

  @Test
  void a_name_with_one_inside_address_among_public_ones_is_refused_at_connect_time()
      throws Exception {
    // The rebinding trick: the name answers with a public address and the one inside.
    DnsResolver twoFaced =
        new DnsResolver() {
          @Override
          public InetAddress[] resolve(String host) throws UnknownHostException {
            return new InetAddress[] {
              InetAddress.getByName("203.0.113.7"), InetAddress.getLoopbackAddress()
            };
          }

          @Override
          public String resolveCanonicalHostname(String host) {
            return host;
          }
        };
    try (OutboundHttp http =
        new OutboundHttp(
            AddressPolicy.allowing(List.of()), Duration.ofSeconds(2), 1024, twoFaced)) {
      assertThatThrownBy(() -> get(http, "http://hooks.example.test:" + port() + "/ok"))
          .hasMessageContaining("127.0.0.1 is a loopback address");
    }
    assertThat(requests).hasValue(0);
  }

  @Test
  void an_allowed_range_is_reached_and_the_answer_read_whole() throws Exception {
    try (OutboundHttp http = http(List.of("127.0.0.0/8"))) {
      OutboundHttp.Response response = get(http, "http://127.0.0.1:" + port() + "/ok");
      assertThat(response).isEqualTo(new OutboundHttp.Response(200, "{\"ok\":true}", false));
    }
  }

  @Test
  void a_body_goes_as_utf_8_unless_its_content_type_names_another_charset() throws Exception {
    try (OutboundHttp http = http(List.of("127.0.0.1"))) {
      OutboundHttp.Response response =
          http.send(
              "POST",
              URI.create("http://127.0.0.1:" + port() + "/echo"),
              Map.of("Content-Type", "application/json"),
              "{\"text\":\"任务失败 ✓\"}",
              Duration.ofSeconds(5));
      assertThat(response.body()).isEqualTo("{\"text\":\"任务失败 ✓\"}");
    }
  }

  @Test
  void a_long_answer_is_read_up_to_the_bound_only() throws Exception {
    try (OutboundHttp http = http(List.of("127.0.0.1"))) {
      OutboundHttp.Response response = get(http, "http://127.0.0.1:" + port() + "/big");
      assertThat(response.truncated()).isTrue();
      assertThat(response.body()).hasSize(1024);
    }
  }

  @Test
  void a_trickling_answer_ends_at_the_timeout() throws Exception {
    try (OutboundHttp http = http(List.of("127.0.0.1"))) {
      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  http.send(
                      "GET",
                      URI.create("http://127.0.0.1:" + port() + "/slow"),
                      Map.of(),
                      null,
                      Duration.ofMillis(600)))
          .isInstanceOf(IOException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void a_redirect_is_not_followed() throws Exception {
    try (OutboundHttp http = http(List.of("127.0.0.1"))) {
      assertThat(get(http, "http://127.0.0.1:" + port() + "/redirect").status()).isEqualTo(302);
    }
    assertThat(redirectTargetHits).hasValue(0);
  }

  private int port() {
    return server.getAddress().getPort();
  }

  private static OutboundHttp http(List<String> allowed) {
    return new OutboundHttp(AddressPolicy.allowing(allowed), Duration.ofSeconds(2), 1024);
  }

  private static OutboundHttp.Response get(OutboundHttp http, String url) throws IOException {
    return http.send("GET", URI.create(url), Map.of(), null, Duration.ofSeconds(5));
  }
}
