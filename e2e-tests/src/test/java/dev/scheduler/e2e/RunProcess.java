package dev.scheduler.e2e;

import java.util.List;
import java.util.function.Consumer;

/**
 * A process of a fault run that can be stopped or killed and started again with the same arguments;
 * each start gets a log of its own ({@code name}, {@code name-2}, ...).
 */
final class RunProcess implements AutoCloseable {

  final String name;
  final String module;
  final int port;
  final List<String> args;
  private final Consumer<ServiceProcess> onStart;

  /** The agent's node id, for an agent. */
  String nodeId;

  /** The process of the latest start; null before the first. */
  ServiceProcess process;

  private int starts;

  /**
   * @param onStart told of every process started, e.g. to stop it with the run
   */
  RunProcess(
      String name, String module, int port, List<String> args, Consumer<ServiceProcess> onStart) {
    this.name = name;
    this.module = module;
    this.port = port;
    this.args = args;
    this.onStart = onStart;
  }

  RunProcess(String name, String module, int port, List<String> args) {
    this(name, module, port, args, process -> {});
  }

  void start() {
    starts++;
    process = ServiceProcess.start(starts == 1 ? name : name + "-" + starts, module, port, args);
    onStart.accept(process);
  }

  void awaitHealthy() {
    process.awaitHealthy();
  }

  /** Stops the latest process as an orchestrator does (SIGTERM). */
  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }
}
