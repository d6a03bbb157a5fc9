package dev.scheduler.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A service or sample application of this build running as a process of its own, from the
 * executable jar its module built, as it runs in production. Its output goes to {@code
 * target/e2e-logs/<name>.log}.
 */
final class ServiceProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int port;
  private final Process process;
  private final Path log;

  private ServiceProcess(String name, int port, Process process, Path log) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** A small, quickly started JVM: several of them share 2 cores during the tests. */
  static final List<String> TEST_JVM =
      List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  /**
   * The JVM as in production (full JIT, the JVM's default collector), with a heap bound as a
   * container's memory limit would set it: for benchmarks.
   */
  static final List<String> PRODUCTION_JVM = List.of("-Xmx512m");

  /**
   * Starts the executable jar of {@code module} (a folder of the build, relative to its root) on
   * {@code port} with {@code args} in a {@link #TEST_JVM}; returns without waiting for it to be
   * ready.
   */
  static ServiceProcess start(String name, String module, int port, List<String> args) {
    return start(name, module, port, TEST_JVM, args);
  }

  /** As {@link #start(String, String, int, List)}, in a JVM started with {@code jvm} options. */
  static ServiceProcess start(
      String name, String module, int port, List<String> jvm, List<String> args) {
    Path jar = executableJar(module);
    Path logs = Path.of("target", "e2e-logs");
    Path log = logs.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvm);
    command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port));
    command.addAll(args);
    try {
      Files.createDirectories(logs);
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      ServiceProcess started = new ServiceProcess(name, port, process, log);
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  private static Path executableJar(String module) {
    Path target = Path.of("..").resolve(module).resolve("target");
    try (Stream<Path> files = Files.list(target)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".jar"))
          .filter(p -> !p.getFileName().toString().endsWith("-plain.jar"))
          .findFirst()
          .orElseThrow();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "no executable jar of "
              + module
              + " in "
              + target.toAbsolutePath().normalize()
              + ": build it first (./mvnw verify builds every module before these tests)",
          e);
    }
  }

  /** Waits until the process reports UP on its health endpoint. */
  ServiceProcess awaitHealthy() {
    await()
        .alias(name + " healthy (log: " + log.toAbsolutePath() + ")")
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    name + " exited with " + process.exitValue() + "; see " + log.toAbsolutePath());
              }
              return healthy();
            });
    return this;
  }

  private boolean healthy() {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url("/actuator/health")))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && response.body().contains("\"UP\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  int port() {
    return port;
  }

  String name() {
    return name;
  }

  /** The process's resident memory now (VmRSS), in MiB; -1 where /proc does not tell. */
  long residentMib() {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return -1;
  }

  /**
   * CPU time the process has used so far (user and system), in milliseconds; -1 where /proc does
   * not tell.
   */
  long cpuMillis() {
    return CpuTime.ofProcess(process.pid());
  }

  /** Kills it without warning (SIGKILL), as a crash or an out-of-memory kill would. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Freezes it (SIGSTOP), as a long garbage collection, a frozen VM or a partition looks from
   * outside: it keeps its sockets and state and goes on where it was at {@link #resume()}.
   */
  void pause() {
    signal("STOP");
  }

  /** Lets a paused process go on (SIGCONT). */
  void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
              .redirectErrorStream(true)
              .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Appends a dump of the process's threads to its log (with the JDK's {@code jcmd}), to see what a
   * process that stopped making progress waits on.
   */
  void dumpThreads() {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process dump =
          new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      dump.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      // no jcmd here: the log stays as it is
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Stops it as an orchestrator does (SIGTERM, graceful shutdown), killing it after 60 s. */
  @Override
  public void close() {
    stop(process);
  }

  /** Stops {@code process} with SIGTERM, and SIGKILL when it has not ended within 60 s. */
  static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
