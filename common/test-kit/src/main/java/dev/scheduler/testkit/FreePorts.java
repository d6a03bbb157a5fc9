package dev.scheduler.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Finds loopback ports that nothing listens on. */
public final class FreePorts {

  private FreePorts() {}

  /** A port that is free now. */
  public static int any() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
  }

  /**
   * A port {@code p} such that {@code p} and {@code p - offset} are both free: the broker also
   * listens on its port minus two.
   */
  static int withFreeNeighbour(int offset) {
    for (int tries = 0; tries < 200; tries++) {
      int port = ThreadLocalRandom.current().nextInt(20_000, 40_000);
      if (free(port) && free(port - offset)) {
        return port;
      }
    }
    throw new IllegalStateException("no pair of free loopback ports found");
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
