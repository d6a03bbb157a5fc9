package dev.scheduler.testkit;

import org.testcontainers.DockerClientFactory;

/** Whether tests get their servers from Testcontainers. */
final class Docker {

  private static Boolean usable;

  private Docker() {}

  /**
   * True when the settings ask for Docker, or leave it to us and a Docker engine answers.
   *
   * @throws IllegalStateException when the settings ask for Docker and none answers
   */
  static synchronized boolean usableFor(ServerSettings settings) {
    if (settings.mode() == ServerSettings.Mode.LOCAL) {
      return false;
    }
    if (usable == null) {
      usable = DockerClientFactory.instance().isDockerAvailable();
    }
    if (!usable && settings.mode() == ServerSettings.Mode.DOCKER) {
      throw new IllegalStateException(
          "SCHEDULER_TEST_SERVERS=docker, but no Docker engine is reachable. Start Docker, or"
              + " set SCHEDULER_TEST_SERVERS=local and start MariaDB and Redis on 127.0.0.1.");
    }
    return usable;
  }
}
