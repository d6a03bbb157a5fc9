package dev.scheduler.gateway;

import com.sun.net.httpserver.HttpServer;
import dev.scheduler.contracts.Headers;
import dev.scheduler.contracts.Json;
import dev.scheduler.identity.IdentitySigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A downstream service for the gateway's tests: answers every request with 200 and a JSON echo of
 * what reached it (method, path, caller headers, request id), and remembers the requests; paths can
 * be made to hang.
 */
public final class StubService implements AutoCloseable {

  /** What reached the stub. */
  public record Seen(
      String method,
      String path,
      String caller,
      String role,
      String requestId,
      boolean credentials,
      String identity) {}

  private final HttpServer server;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final List<String> hanging = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch released = new CountDownLatch(1);

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
                  exchange.getRequestHeaders().getFirst(Headers.CALLER_ROLE),
                  exchange.getRequestHeaders().getFirst(Headers.REQUEST_ID),
                  exchange.getRequestHeaders().containsKey(Headers.API_KEY)
                      || exchange.getRequestHeaders().containsKey("Authorization"),
                  exchange.getRequestHeaders().getFirst(IdentitySigner.HEADER));
          seen.add(request);
          if (hanging.stream().anyMatch(request.path()::startsWith)) {
            awaitRelease();
          }
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("method", request.method());
          body.put("path", request.path());
          body.put("caller", request.caller());
          body.put("role", request.role());
          body.put("requestId", request.requestId());
          body.put("credentials", request.credentials());
          byte[] bytes = Json.toJson(body).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          if (request.requestId() != null) {
            // as the services do
            exchange.getResponseHeaders().set(Headers.REQUEST_ID, request.requestId());
          }
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    // Each request on its own thread, so that a slow answer holds up no other.
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  /**
   * Makes requests whose path starts with {@code pathPrefix} get no answer until it is reset or
   * closed.
   */
  public void hang(String pathPrefix) {
    hanging.add(pathPrefix);
  }

  /** Forgets what reached it and answers every request again, the hanging ones included. */
  public void reset() {
    CountDownLatch hung = released;
    released = new CountDownLatch(1);
    hanging.clear();
    seen.clear();
    hung.countDown();
  }

  private void awaitRelease() {
    try {
      released.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Seen> seen() {
    return seen;
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
  }
}
