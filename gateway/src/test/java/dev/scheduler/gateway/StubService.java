package dev.scheduler.gateway;

import com.sun.net.httpserver.HttpServer;
import dev.scheduler.contracts.Headers;
import dev.scheduler.contracts.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A downstream service for the gateway's tests: answers every request with 200 and a JSON echo of
 * what reached it (method, path, caller headers), and remembers the requests.
 */
public final class StubService implements AutoCloseable {

  /** What reached the stub. */
  public record Seen(String method, String path, String caller, String role) {}

  private final HttpServer server;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  public StubService() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          Seen request =
              new Seen(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst(Headers.CALLER),
                  exchange.getRequestHeaders().getFirst(Headers.CALLER_ROLE));
          seen.add(request);
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("method", request.method());
          body.put("path", request.path());
          body.put("caller", request.caller());
          body.put("role", request.role());
          byte[] bytes = Json.toJson(body).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }

  public String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Seen> seen() {
    return seen;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
