package dev.scheduler.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.scheduler.contracts.Heartbeat;
import dev.scheduler.contracts.HeldLease;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.LeaseClaims;
import dev.scheduler.contracts.LeaseGrants;
import dev.scheduler.contracts.LeaseGrants.Verdict;
import dev.scheduler.contracts.LeaseRenewal;
import dev.scheduler.contracts.LeaseRenewalReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * execution-service's agent endpoints as agent tests need them, in memory on a loopback port: the
 * agents claim leases and heartbeat here. Its rules are execution-service's, reduced to what an
 * agent can tell apart: an attempt is granted once, the next only while no earlier lease is held;
 * heartbeats renew and release. (execution-service's own rules are tested on its real database.) A
 * test can take it away (503), keep it from renewing, or take a lease from its holder.
 */
public final class TestLeaseAuthority implements AutoCloseable {

  private record Row(int attempt, String node, long token, long untilNanos, boolean held) {}

  private final HttpServer server;
  private final Map<String, Row> rows = new HashMap<>();
  public final Queue<Heartbeat> beats = new ConcurrentLinkedQueue<>();
  public final Queue<LeaseRenewal> renewals = new ConcurrentLinkedQueue<>();
  public final Queue<String> tokens = new ConcurrentLinkedQueue<>();
  public final Queue<String> farewells = new ConcurrentLinkedQueue<>();
  public final Set<HeldLease> revoked = ConcurrentHashMap.newKeySet();
  public volatile Duration ttl = Duration.ofSeconds(8);
  public volatile boolean claimsAway;
  public volatile boolean heartbeatsAway;

  public TestLeaseAuthority() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/agent/v1/leases/renewals", this::onRenewal);
    server.createContext("/agent/v1/leases", this::onClaims);
    server.createContext("/agent/v1/heartbeats", this::onNodes);
    server.createContext("/agent/v1/nodes", this::onNodes);
    server.start();
  }

  /** The base URL agents are pointed at. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** As if {@code node} had been granted {@code attempt} of the execution. */
  public synchronized void granted(String executionId, int attempt, String node) {
    rows.put(executionId, new Row(attempt, node, attempt, System.nanoTime() + ttl.toNanos(), true));
  }

  /** As if the holder of the execution's lease had released it, or let it run out. */
  public synchronized void lapse(String executionId) {
    Row row = rows.get(executionId);
    if (row != null) {
      rows.put(
          executionId, new Row(row.attempt(), row.node(), row.token(), System.nanoTime(), false));
    }
  }

  /** The fencing token of the execution's latest lease; 0 before any. */
  public synchronized long token(String executionId) {
    Row row = rows.get(executionId);
    return row == null ? 0 : row.token();
  }

  /** Whether a lease of the execution is held (granted, not released). */
  public synchronized boolean held(String executionId) {
    Row row = rows.get(executionId);
    return row != null && row.held();
  }

  private void onClaims(HttpExchange exchange) throws IOException {
    if (claimsAway) {
      answer(exchange, 503, null);
      return;
    }
    tokens.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Scheduler-Agent-Token")));
    LeaseClaims claims =
        Json.fromBytes(exchange.getRequestBody().readAllBytes(), LeaseClaims.class);
    List<LeaseGrants.Grant> grants = new ArrayList<>();
    for (LeaseClaims.Claim claim : claims.claims()) {
      grants.add(decide(claim, claims.nodeId()));
    }
    answer(exchange, 200, new LeaseGrants(ttl, grants));
  }

  private synchronized LeaseGrants.Grant decide(LeaseClaims.Claim claim, String node) {
    long now = System.nanoTime();
    Row row = rows.get(claim.executionId());
    if (row != null && row.attempt() >= claim.attempt()) {
      return grant(claim, Verdict.DONE, 0, Duration.ZERO, "granted before to " + row.node());
    }
    if (row != null && row.held() && row.untilNanos() - now > 0) {
      return grant(
          claim,
          Verdict.BUSY,
          0,
          Duration.ofNanos(row.untilNanos() - now),
          "attempt " + row.attempt() + " is still held by node " + row.node());
    }
    long token = row == null ? 1 : row.token() + 1;
    rows.put(claim.executionId(), new Row(claim.attempt(), node, token, now + ttl.toNanos(), true));
    return grant(claim, Verdict.GRANTED, token, Duration.ZERO, null);
  }

  private static LeaseGrants.Grant grant(
      LeaseClaims.Claim claim, Verdict verdict, long token, Duration retryAfter, String why) {
    return new LeaseGrants.Grant(
        claim.executionId(), claim.attempt(), verdict, token, retryAfter, why);
  }

  private void onNodes(HttpExchange exchange) throws IOException {
    if (exchange.getRequestMethod().equals("DELETE")) {
      farewells.add(exchange.getRequestURI().getPath());
      answer(exchange, 204, null);
      return;
    }
    beats.add(Json.fromBytes(exchange.getRequestBody().readAllBytes(), Heartbeat.class));
    tokens.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Scheduler-Agent-Token")));
    answer(exchange, heartbeatsAway ? 503 : 204, null);
  }

  private void onRenewal(HttpExchange exchange) throws IOException {
    LeaseRenewal renewal =
        Json.fromBytes(exchange.getRequestBody().readAllBytes(), LeaseRenewal.class);
    renewals.add(renewal);
    if (heartbeatsAway) {
      answer(exchange, 503, null);
      return;
    }
    answer(exchange, 200, new LeaseRenewalReply(ttl, renew(renewal)));
  }

  private synchronized List<HeldLease> renew(LeaseRenewal beat) {
    long now = System.nanoTime();
    for (HeldLease lease : beat.release()) {
      Row row = rows.get(lease.executionId());
      if (row != null && row.node().equals(beat.nodeId()) && row.attempt() == lease.attempt()) {
        rows.put(lease.executionId(), new Row(row.attempt(), row.node(), row.token(), now, false));
      }
    }
    List<HeldLease> notHeld = new ArrayList<>();
    for (HeldLease lease : beat.renew()) {
      Row row = rows.get(lease.executionId());
      boolean holds =
          row != null
              && row.held()
              && row.node().equals(beat.nodeId())
              && row.attempt() == lease.attempt()
              && !revoked.contains(lease);
      if (holds) {
        rows.put(
            lease.executionId(),
            new Row(row.attempt(), row.node(), row.token(), now + ttl.toNanos(), true));
      } else {
        notHeld.add(lease);
      }
    }
    return notHeld;
  }

  private static void answer(HttpExchange exchange, int status, Object body) throws IOException {
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
    } else {
      byte[] json = Json.toBytes(body);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, json.length);
      exchange.getResponseBody().write(json);
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
