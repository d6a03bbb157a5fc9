package dev.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduler.testkit.RedisAcl;
import dev.scheduler.testkit.TestIdentities;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What an operator deploys from {@code deploy/}: the Kubernetes manifests as kustomize renders
 * them, the docker compose file as compose reads it, and the Prometheus configuration and rules as
 * Prometheus checks them. Each is read by the tool that will use it ({@code kubectl}, {@code
 * docker-compose} or {@code docker compose}, {@code promtool}), then held to what the suite needs
 * to run there: probes, resources, configuration that exists, distinct agents.
 */
class DeploymentFilesTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path DEPLOY = ROOT.resolve("deploy");
  private static final List<String> PLATFORM =
      List.of("job-service", "execution-service", "monitor-service", "gateway");

  @Test
  void the_kubernetes_manifests_render_and_run_each_service_with_probes_resources_and_scaling() {
    List<Map<String, Object>> objects =
        loadAll(
            run(List.of(tool("kubectl"), "kustomize", DEPLOY.resolve("kubernetes").toString())));
    Map<String, Object> config = only(objects, "ConfigMap", "scheduler-config");
    Map<String, Object> secret = only(objects, "Secret", "scheduler-secrets");
    Set<String> configKeys = map(config, "data").keySet();
    Set<String> secretKeys = map(secret, "stringData").keySet();
    assertThat(objects.stream().filter(o -> !"Namespace".equals(o.get("kind"))))
        .allSatisfy(o -> assertThat(map(o, "metadata")).containsEntry("namespace", "scheduler"));

    for (String name : concat(PLATFORM, List.of("sample-app"))) {
      Map<String, Object> deployment = only(objects, "Deployment", name);
      Map<String, Object> pod = map(map(deployment, "spec"), "template");
      Map<String, Object> podSpec = map(pod, "spec");
      Map<String, Object> container = list(podSpec, "containers").get(0);
      String port = "http";
      assertThat(str(container, "image")).as(name).startsWith("scheduler/" + name + ":");
      assertThat(list(container, "ports"))
          .anySatisfy(p -> assertThat(p.get("name")).isEqualTo(port));
      assertThat(probePath(container, "livenessProbe"))
          .as(name)
          .isEqualTo("/actuator/health/liveness");
      assertThat(probePath(container, "readinessProbe"))
          .as(name)
          .isEqualTo("/actuator/health/readiness");
      assertThat(probePath(container, "startupProbe")).as(name).isNotNull();
      Map<String, Object> resources = map(container, "resources");
      assertThat(map(resources, "requests")).as(name).containsKeys("cpu", "memory");
      assertThat(map(resources, "limits")).as(name).containsKey("memory");
      // longer than the services' graceful shutdown (30 s) and the agents' shutdown grace (30 s)
      assertThat((Integer) podSpec.get("terminationGracePeriodSeconds")).as(name).isGreaterThan(30);
      assertThat(map(podSpec, "securityContext").get("runAsNonRoot")).isEqualTo(true);
      Map<String, Object> locked = map(container, "securityContext");
      assertThat(locked)
          .as(name)
          .containsEntry("readOnlyRootFilesystem", true)
          .containsEntry("allowPrivilegeEscalation", false);
      assertThat(map(locked, "capabilities").get("drop")).as(name).isEqualTo(List.of("ALL"));
      assertThat(list(container, "volumeMounts"))
          .as(name)
          .anySatisfy(m -> assertThat(m).containsEntry("mountPath", "/tmp"));
      for (Map<String, Object> env : listOrEmpty(container, "env")) {
        Map<String, Object> from = mapOrEmpty(env, "valueFrom");
        if (str(env, "name").matches(".*(PASSWORD|TOKEN|SECRET|SHA256|PRIVATEKEY|CREDENTIAL).*")) {
          assertThat(from)
              .as("%s %s comes from the Secret", name, env.get("name"))
              .containsKey("secretKeyRef");
        }
        if (from.containsKey("configMapKeyRef")) {
          assertThat(configKeys)
              .as("%s %s", name, env.get("name"))
              .contains(str(map(from, "configMapKeyRef"), "key"));
        }
        if (from.containsKey("secretKeyRef")) {
          assertThat(secretKeys)
              .as("%s %s", name, env.get("name"))
              .contains(str(map(from, "secretKeyRef"), "key"));
        }
      }
      for (Map<String, Object> source : listOrEmpty(container, "envFrom")) {
        assertThat(str(map(source, "configMapRef"), "name")).isEqualTo("scheduler-config");
      }
      Map<String, Object> service = only(objects, "Service", name);
      Map<String, Object> selector = map(map(service, "spec"), "selector");
      assertThat(selector)
          .as("the Service of %s selects its pods", name)
          .isEqualTo(map(map(map(deployment, "spec"), "selector"), "matchLabels"));
      assertThat(map(map(pod, "metadata"), "labels")).containsAllEntriesOf(selector);
      assertThat(list(map(service, "spec"), "ports"))
          .allSatisfy(p -> assertThat(p.get("targetPort")).isEqualTo(port));
    }

    for (String name : PLATFORM) {
      Map<String, Object> hpa = only(objects, "HorizontalPodAutoscaler", name);
      Map<String, Object> spec = map(hpa, "spec");
      assertThat(map(spec, "scaleTargetRef"))
          .containsEntry("kind", "Deployment")
          .containsEntry("name", name);
      assertThat((Integer) spec.get("minReplicas")).isGreaterThanOrEqualTo(2);
      assertThat((Integer) spec.get("maxReplicas"))
          .isGreaterThan((Integer) spec.get("minReplicas"));
      // the database, broker, Redis and Nacos addresses come from the configuration
      Map<String, Object> container =
          list(
                  map(map(map(only(objects, "Deployment", name), "spec"), "template"), "spec"),
                  "containers")
              .get(0);
      assertThat(envNames(container)).contains("SPRING_CLOUD_NACOS_DISCOVERY_IP");
    }
    assertThat(configKeys)
        .contains(
            "SPRING_PROFILES_ACTIVE",
            "NACOS_SERVER_ADDR",
            "ROCKETMQ_NAMESERVER",
            "SPRING_DATA_REDIS_HOST");

    networkPolicies(objects);

    // several pods of one app stay distinct nodes: each agent registers with its pod IP
    Map<String, Object> agents = only(objects, "Deployment", "sample-app");
    assertThat((Integer) map(agents, "spec").get("replicas")).isGreaterThanOrEqualTo(2);
    Map<String, Object> agent =
        list(map(map(map(agents, "spec"), "template"), "spec"), "containers").get(0);
    assertThat(listOrEmpty(agent, "env"))
        .anySatisfy(
            env -> {
              assertThat(env.get("name")).isEqualTo("SCHEDULER_AGENT_HOST");
              assertThat(map(map(env, "valueFrom"), "fieldRef"))
                  .containsEntry("fieldPath", "status.podIP");
            });
  }

  /**
   * Nothing reaches a pod unless a policy lets it: the gateway from anywhere, the other services
   * from the platform's pods (and Prometheus), execution-service also from agents' pods in any
   * namespace, and the sample app's agent reaches out only to DNS, execution-service and the
   * broker.
   */
  private static void networkPolicies(List<Map<String, Object>> objects) {
    Map<String, Object> deny = map(only(objects, "NetworkPolicy", "default-deny-ingress"), "spec");
    assertThat(map(deny, "podSelector")).isEmpty();
    assertThat(deny.get("policyTypes")).isEqualTo(List.of("Ingress"));
    assertThat(deny).doesNotContainKey("ingress");

    Map<String, Object> services =
        map(only(objects, "NetworkPolicy", "services-from-the-platform"), "spec");
    List<Map<String, Object>> from = list(list(services, "ingress").get(0), "from");
    assertThat(from).hasSize(2);
    assertThat(String.valueOf(from.get(0))).contains("gateway", "job-service", "monitor-service");
    assertThat(map(map(from.get(1), "podSelector"), "matchLabels"))
        .isEqualTo(Map.of("app.kubernetes.io/name", "prometheus"));

    Map<String, Object> agents =
        map(only(objects, "NetworkPolicy", "execution-service-from-agents"), "spec");
    assertThat(map(map(agents, "podSelector"), "matchLabels"))
        .isEqualTo(Map.of("app.kubernetes.io/name", "execution-service"));
    Map<String, Object> agentLabel = Map.of("scheduler.dev/agent", "true");
    assertThat(
            map(
                map(list(list(agents, "ingress").get(0), "from").get(0), "podSelector"),
                "matchLabels"))
        .isEqualTo(agentLabel);
    Map<String, Object> sampleApp = only(objects, "Deployment", "sample-app");
    assertThat(map(map(map(map(sampleApp, "spec"), "template"), "metadata"), "labels"))
        .containsAllEntriesOf(agentLabel);
    // only the gateway is open to all: every other policy names where its traffic comes from
    for (Map<String, Object> policy : objects) {
      if ("NetworkPolicy".equals(policy.get("kind"))
          && !"gateway-from-anywhere".equals(map(policy, "metadata").get("name"))) {
        for (Map<String, Object> rule : listOrEmpty(map(policy, "spec"), "ingress")) {
          assertThat(rule).as("%s", map(policy, "metadata").get("name")).containsKey("from");
        }
      }
    }
    Map<String, Object> egress = map(only(objects, "NetworkPolicy", "sample-app-agent"), "spec");
    assertThat(String.valueOf(egress.get("egress")))
        .contains("execution-service", "9876")
        .doesNotContain("6379");
  }

  private static final String REDIS_JOB_PASSWORD = "job-redis-pw";

  /**
   * The compose Redis runs with the platform's ACL users ({@link RedisAcl}) and lets the default
   * user (anyone who reaches the port, an agent's app included) do nothing but PING: its command
   * line, started as is on a real redis-server, refuses a write without a user and takes
   * job-service's own.
   */
  @Test
  void the_compose_redis_lets_in_the_platform_users_only() throws Exception {
    Path file = DEPLOY.resolve("compose").resolve("docker-compose.yml");
    List<String> command = new ArrayList<>(compose());
    command.addAll(List.of("-f", file.toString(), "config"));
    Map<String, Object> redis = map(map(loadAll(run(command)).get(0), "services"), "redis");
    List<String> args = ((List<?>) redis.get("command")).stream().map(String::valueOf).toList();
    String line = String.join(" ", args);
    assertThat(line)
        .contains("--user default on nopass resetchannels -@all +ping --user")
        .contains("--user scheduler-job on >" + REDIS_JOB_PASSWORD + " " + RedisAcl.JOB_SERVICE)
        .contains("--user scheduler-gateway on >gateway-redis-pw " + RedisAcl.GATEWAY);

    int port = dev.scheduler.testkit.FreePorts.any();
    List<String> server = new ArrayList<>(args);
    server.addAll(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1"));
    Process redisServer = new ProcessBuilder(server).redirectErrorStream(true).start();
    try {
      String portArg = String.valueOf(port);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> redisCli(portArg, "ping").contains("PONG"));
      assertThat(redisCli(portArg, "set", "scheduler:c:job:1", "forged")).contains("NOPERM");
      assertThat(
              redisCli(
                  portArg,
                  "--user",
                  "scheduler-job",
                  "--pass",
                  REDIS_JOB_PASSWORD,
                  "--no-auth-warning",
                  "set",
                  "scheduler:c:job:1",
                  "v"))
          .contains("OK");
    } finally {
      redisServer.destroy();
      redisServer.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String redisCli(String port, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-p", port));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  @Test
  void the_compose_file_is_valid_and_starts_every_part_of_the_suite() {
    Path file = DEPLOY.resolve("compose").resolve("docker-compose.yml");
    List<String> command = new ArrayList<>(compose());
    command.addAll(List.of("-f", file.toString(), "config"));
    Map<String, Object> compose = loadAll(run(command)).get(0);
    Map<String, Object> services = map(compose, "services");
    assertThat(services.keySet())
        .containsAll(concat(PLATFORM, List.of("sample-app")))
        .contains(
            "mysql",
            "redis",
            "rocketmq-namesrv",
            "rocketmq-broker",
            "nacos",
            "prometheus",
            "grafana");
    for (String name : PLATFORM) {
      Map<String, Object> service = map(services, name);
      assertThat(str(service, "image")).startsWith("scheduler/" + name + ":");
      assertThat(map(service, "environment"))
          .as(name)
          .containsEntry("SPRING_PROFILES_ACTIVE", "nacos")
          .containsEntry("NACOS_SERVER_ADDR", "nacos:8848")
          .containsEntry("ROCKETMQ_NAMESERVER", "rocketmq-namesrv:9876");
      assertThat(map(service, "healthcheck")).as(name).containsKey("test");
      assertThat(map(service, "depends_on")).as(name).containsKeys("mysql", "nacos", "redis");
    }
    // each mounted file is in the repository (a typo would start Grafana without dashboards)
    for (String name : List.of("prometheus", "grafana", "mysql", "rocketmq-broker")) {
      for (Object volume : (List<?>) map(services, name).get("volumes")) {
        String source =
            volume instanceof Map<?, ?> v
                ? String.valueOf(v.get("source"))
                : volume.toString().split(":")[0];
        if (source.startsWith("/")) {
          assertThat(Path.of(source)).as("%s mounts %s", name, source).exists();
        }
      }
    }
  }

  /**
   * The compose broker is configured as the operations guide requires: pulls as large as
   * execution-service's write batches (512 by default; at the broker's default of 32 the ingest
   * wrote a tenth as fast), and timer messages for retries up to 24 h ahead.
   */
  @Test
  void the_compose_broker_allows_the_ingest_batches_and_day_long_retry_delays() throws Exception {
    Properties broker = new Properties();
    try (Reader reader =
        Files.newBufferedReader(DEPLOY.resolve("compose").resolve("broker.conf"))) {
      broker.load(reader);
    }
    for (String key :
        List.of("maxTransferCountOnMessageInMemory", "maxTransferCountOnMessageInDisk")) {
      assertThat(Integer.parseInt(broker.getProperty(key, "32")))
          .as(key)
          .isGreaterThanOrEqualTo(512);
    }
    for (String key :
        List.of("maxTransferBytesOnMessageInMemory", "maxTransferBytesOnMessageInDisk")) {
      assertThat(Integer.parseInt(broker.getProperty(key, "262144")))
          .as(key)
          .isGreaterThanOrEqualTo(512 * 4096);
    }
    assertThat(broker.getProperty("timerWheelEnable", "true")).isEqualTo("true");
    assertThat(Integer.parseInt(broker.getProperty("timerMaxDelaySec", "259200")))
        .isGreaterThanOrEqualTo((int) Duration.ofHours(24).toSeconds());
  }

  @Test
  void the_prometheus_configurations_and_alerting_rules_pass_promtool() {
    String promtool = tool("promtool");
    for (Path config :
        List.of(
            DEPLOY.resolve("prometheus").resolve("prometheus.yml"),
            DEPLOY.resolve("compose").resolve("prometheus.yml"))) {
      // promtool reads rule_files beside the configuration: the compose one mounts the shared rules
      Path copy = copyBeside(config, DEPLOY.resolve("prometheus").resolve("alerts.yml"));
      assertThat(run(List.of(promtool, "check", "config", copy.toString()))).contains("SUCCESS");
    }
    assertThat(
            run(
                List.of(
                    promtool,
                    "check",
                    "rules",
                    DEPLOY.resolve("prometheus/alerts.yml").toString())))
        .contains("SUCCESS");
  }

  private static Path copyBeside(Path config, Path rules) {
    try {
      Path dir = Files.createTempDirectory(Path.of("target"), "prometheus-");
      Files.copy(config, dir.resolve("prometheus.yml"));
      Files.copy(rules, dir.resolve("alerts.yml"));
      return dir.resolve("prometheus.yml").toAbsolutePath();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** docker compose (v2 plugin) where it answers, else docker-compose. */
  private static List<String> compose() {
    try {
      Process probe =
          new ProcessBuilder("docker", "compose", "version").redirectErrorStream(true).start();
      if (probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0) {
        return List.of("docker", "compose");
      }
    } catch (IOException e) {
      // no docker CLI
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return List.of(tool("docker-compose"));
  }

  /** The tool's path; fails saying how to install it when it is not on the PATH. */
  private static String tool(String name) {
    return Stream.of(
            Objects.requireNonNullElse(System.getenv("PATH"), "").split(File.pathSeparator))
        .map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable)
        .findFirst()
        .map(Path::toString)
        .orElseThrow(
            () ->
                new AssertionError(
                    name
                        + " is needed to check the deployment files and is not on the PATH; on"
                        + " Debian: apt-get install "
                        + Map.of(
                                "kubectl", "kubernetes-client",
                                "docker-compose", "docker-compose",
                                "promtool", "prometheus")
                            .get(name)
                        + " (bash .ci/run installs it)"));
  }

  private static String run(List<String> command) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
      // The compose file has no built-in secrets: it requires these.
      builder
          .environment()
          .putIfAbsent("SCHEDULER_SAMPLE_APP_CREDENTIAL", "sac1.sample-app." + "x".repeat(43));
      builder.environment().putIfAbsent("SCHEDULER_SAMPLE_APP_CREDENTIAL_SHA256", "cd".repeat(32));
      builder.environment().putIfAbsent("SCHEDULER_GATEWAY_ADMIN_KEY_SHA256", "ab".repeat(32));
      for (String key : new String[] {"GATEWAY", "SERVICES"}) {
        builder
            .environment()
            .putIfAbsent("SCHEDULER_" + key + "_IDENTITY_PRIVATE_KEY", TestIdentities.privateKey());
        builder
            .environment()
            .putIfAbsent("SCHEDULER_" + key + "_IDENTITY_PUBLIC_KEY", TestIdentities.publicKey());
      }
      builder.environment().putIfAbsent("SCHEDULER_REDIS_JOB_PASSWORD", REDIS_JOB_PASSWORD);
      builder.environment().putIfAbsent("SCHEDULER_REDIS_GATEWAY_PASSWORD", "gateway-redis-pw");
      Process process = builder.start();
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s ended", command).isTrue();
      assertThat(process.exitValue()).as("%s: %s", command, err).isZero();
      return new String(out, StandardCharsets.UTF_8) + err;
    } catch (IOException e) {
      throw new IllegalStateException(command.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(command.toString(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> loadAll(String yaml) {
    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object document : new Yaml().loadAll(yaml)) {
      if (document != null) {
        documents.add((Map<String, Object>) document);
      }
    }
    return documents;
  }

  private static Map<String, Object> only(
      List<Map<String, Object>> objects, String kind, String name) {
    List<Map<String, Object>> found =
        objects.stream()
            .filter(o -> kind.equals(o.get("kind")) && name.equals(map(o, "metadata").get("name")))
            .toList();
    assertThat(found).as("%s %s", kind, name).hasSize(1);
    return found.get(0);
  }

  private static String probePath(Map<String, Object> container, String probe) {
    Map<String, Object> found = mapOrEmpty(container, probe);
    if (found.isEmpty()) {
      return null;
    }
    Map<String, Object> get = map(found, "httpGet");
    assertThat(get.get("port")).as(probe).isEqualTo("http");
    return str(get, "path");
  }

  private static Set<String> envNames(Map<String, Object> container) {
    return listOrEmpty(container, "env").stream()
        .map(e -> str(e, "name"))
        .collect(Collectors.toSet());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertThat(value).as("%s in %s", key, parent.keySet()).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapOrEmpty(Map<String, Object> parent, String key) {
    return parent.get(key) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertThat(value).as("%s in %s", key, parent.keySet()).isInstanceOf(List.class);
    return (List<Map<String, Object>>) value;
  }

  private static List<Map<String, Object>> listOrEmpty(Map<String, Object> parent, String key) {
    return parent.containsKey(key) ? list(parent, key) : List.of();
  }

  private static String str(Map<String, Object> parent, String key) {
    return parent.get(key) == null ? null : parent.get(key).toString();
  }
}
