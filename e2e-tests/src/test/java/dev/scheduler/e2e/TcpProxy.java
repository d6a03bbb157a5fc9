package dev.scheduler.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy on a loopback port that a test can cut: while cut, connections are accepted and held
 * open but nothing reaches the other side and nothing comes back, as across a network partition
 * (callers wait for their timeouts instead of being refused); connections that were open lose their
 * far side. Healed, new connections go through again.
 */
final class TcpProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int targetPort;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "tcp-proxy");
            thread.setDaemon(true);
            return thread;
          });
  private final Set<Socket> upstreams = ConcurrentHashMap.newKeySet();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private volatile boolean closed;

  TcpProxy(int targetPort) {
    this.targetPort = targetPort;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    threads.execute(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  /** From now on nothing passes; open connections lose their far side. */
  void cut() {
    cut = true;
    for (Socket upstream : upstreams) {
      closeQuietly(upstream);
    }
  }

  /** New connections pass again. */
  void heal() {
    cut = false;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        threads.execute(() -> serve(client));
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private void serve(Socket client) {
    if (cut) {
      drain(client); // held: read and dropped, never answered
      return;
    }
    Socket upstream;
    try {
      upstream = new Socket();
      upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
    } catch (IOException e) {
      closeQuietly(client);
      return;
    }
    upstreams.add(upstream);
    sockets.add(upstream);
    threads.execute(() -> pump(upstream, client));
    pump(client, upstream);
  }

  /** Copies {@code from} to {@code to}; once cut, what arrives is dropped. */
  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[8192];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      int read;
      while ((read = in.read(buffer)) >= 0) {
        if (!cut) {
          out.write(buffer, 0, read);
          out.flush();
        }
      }
    } catch (IOException e) {
      // one side went away
    }
    if (!cut) {
      closeQuietly(to);
      closeQuietly(from);
    }
  }

  private static void drain(Socket client) {
    byte[] buffer = new byte[8192];
    try (InputStream in = client.getInputStream()) {
      while (in.read(buffer) >= 0) {
        // dropped
      }
    } catch (IOException e) {
      // the caller gave up
    }
  }

  private static void closeQuietly(java.io.Closeable socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    sockets.forEach(TcpProxy::closeQuietly);
    threads.shutdownNow();
  }
}
