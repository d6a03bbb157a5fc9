package dev.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's first command as a newcomer runs it: {@code deploy/local/start.sh} starts the whole
 * suite (broker, services, gateway, sample app), reports each healthy and the demo job's first run;
 * the demo job then runs again when triggered through the gateway, with its log readable there;
 * {@code deploy/local/stop.sh} leaves no process and no port behind.
 *
 * <p>The jars come from the build that runs this test ({@code SKIP_BUILD=1}); the script's own
 * build step is the same {@code package} of the same modules.
 */
class LocalStackTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path PIDS = ROOT.resolve(".local-stack").resolve("pids");
  private static final List<Integer> PORTS = List.of(8080, 8081, 8082, 8083, 8090, 9876);
  private static final List<String> SERVICES =
      List.of("job-service", "execution-service", "monitor-service", "gateway", "sample-app");

  record Finished(int exitCode, String output) {}

  @Test
  void starts_runs_the_demo_job_through_the_gateway_and_stops_leaving_nothing_running()
      throws Exception {
    assertThat(PIDS)
        .as("a local stack runs already from this folder; stop it with deploy/local/stop.sh")
        .doesNotExist();
    assertThat(PORTS)
        .as("the local stack's ports must be free (something else listens)")
        .noneMatch(LocalStackTest::listening);

    Finished started = run("deploy/local/start.sh", Duration.ofMinutes(8));
    List<Long> pids = stackPids();
    try {
      assertThat(started.exitCode()).as(started.output()).isZero();
      assertThat(started.output())
          .contains(SERVICES.stream().map(s -> s + " is healthy").toList())
          .containsPattern("execution \\S+: SUCCEEDED on sample-app@");
      assertThat(pids).as("the broker and the five applications").hasSizeGreaterThanOrEqualTo(6);

      GatewayClient api = new GatewayClient("http://127.0.0.1:8080", "local-dev-admin-key");
      JsonNode demo = api.get("/api/v1/jobs?app=sample-app&q=demo-hello").path("items").get(0);
      assertThat(demo.path("name").asText()).isEqualTo("demo-hello");
      JsonNode fired =
          api.post(
              "/api/v1/jobs/" + demo.path("id").asLong() + "/trigger",
              "{\"params\":\"from-the-local-stack-test\"}",
              202);
      String executionId = fired.path("executionIds").get(0).asText();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(api.get("/api/v1/executions/" + executionId).path("status").asText())
                      .isEqualTo("SUCCEEDED"));
      assertThat(api.get("/api/v1/executions/" + executionId + "/log").path("lines").toString())
          .contains("quick job for from-the-local-stack-test");
    } finally {
      Finished stopped = run("deploy/local/stop.sh", Duration.ofMinutes(2));
      assertThat(stopped.exitCode()).as(stopped.output()).isZero();
    }
    assertThat(pids)
        .as("processes of the stack still alive after stop.sh")
        .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    assertThat(PORTS).as("ports still open after stop.sh").noneMatch(LocalStackTest::listening);
    assertThat(PIDS).doesNotExist();
  }

  /** Runs a script of the repository from its root, with the jars this build made. */
  private static Finished run(String script, Duration limit)
      throws IOException, InterruptedException {
    Path log = Path.of("target", "e2e-logs", Path.of(script).getFileName() + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder("bash", ROOT.resolve(script).toString())
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("SKIP_BUILD", "1");
    Process process = builder.start();
    if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return new Finished(
          -1, script + " did not end within " + limit + ":\n" + Files.readString(log));
    }
    return new Finished(process.exitValue(), Files.readString(log));
  }

  private static List<Long> stackPids() throws IOException {
    List<Long> pids = new ArrayList<>();
    if (Files.exists(PIDS)) {
      for (String line : Files.readAllLines(PIDS)) {
        if (!line.isBlank()) {
          pids.add(Long.parseLong(line.trim().split("\\s+")[0]));
        }
      }
    }
    return pids;
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
