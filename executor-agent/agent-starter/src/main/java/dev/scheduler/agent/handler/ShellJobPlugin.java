package dev.scheduler.agent.handler;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.scheduler.agent.JobContext;
import dev.scheduler.agent.JobTypePlugin;
import dev.scheduler.contracts.Json;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Runs a command for CUSTOM jobs with handler {@code shell}, configured by {@code jobData} as JSON
 * {@code {"command": ["sh", "-c", "..."], "directory": "/srv", "environment": {...}}}. Its output
 * lines go to the execution's log; a non-zero exit fails it; cancellation and timeout kill it.
 * Registered only with {@code scheduler.agent.shell.enabled=true}: it lets a job definition run
 * commands on the business application's hosts.
 */
public class ShellJobPlugin implements JobTypePlugin {

  /**
   * The command of a shell job.
   *
   * @param command the program and its arguments, run without a shell unless it names one
   * @param directory working directory, the application's when absent
   * @param environment variables added to the application's environment
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Spec(List<String> command, String directory, Map<String, String> environment) {}

  @Override
  public String type() {
    return "shell";
  }

  @Override
  public Object run(JobContext context) throws Exception {
    Spec spec = Json.fromJson(context.jobData() == null ? "{}" : context.jobData(), Spec.class);
    if (spec.command() == null || spec.command().isEmpty()) {
      throw new IllegalArgumentException("shell job's jobData has no command");
    }
    ProcessBuilder builder = new ProcessBuilder(spec.command()).redirectErrorStream(true);
    if (spec.directory() != null) {
      builder.directory(new File(spec.directory()));
    }
    if (spec.environment() != null) {
      builder.environment().putAll(spec.environment());
    }
    Process process = builder.start();
    // Output is read on its own thread so that this one waits interruptibly: cancellation and the
    // timeout interrupt it, and the command is killed.
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  context.log().info("{}", line);
                }
              } catch (java.io.IOException e) {
                // the process was killed; its output ends here
              }
            },
            "scheduler-shell-output");
    reader.setDaemon(true);
    reader.start();
    try {
      int exit = process.waitFor();
      reader.join(1_000);
      if (exit != 0) {
        throw new IllegalStateException("command exited with " + exit);
      }
      return "exit 0";
    } finally {
      process.destroyForcibly();
    }
  }
}
