package dev.scheduler.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduler.agent.AgentIdentity;
import dev.scheduler.agent.SchedulerAgent;
import dev.scheduler.contracts.BlockStrategy;
import dev.scheduler.contracts.Contracts;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Ids;
import dev.scheduler.contracts.JobType;
import dev.scheduler.contracts.LogLine;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.FireTraffic;
import dev.scheduler.testkit.RealServers;
import dev.scheduler.testkit.TestLeaseAuthority;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@RealServers(database = false)
class SampleApplicationTest {

  private static FireTraffic traffic;

  /** execution-service's lease endpoints, which the agent claims each fire's lease from. */
  private static final TestLeaseAuthority leases = new TestLeaseAuthority();

  @DynamicPropertySource
  static void leaseAuthority(DynamicPropertyRegistry registry) {
    registry.add("scheduler.agent.registry.url", leases::url);
  }

  @Autowired TestRestTemplate http;
  @Autowired AgentIdentity agent;
  @Autowired SchedulerAgent scheduler;
  @LocalServerPort int port;

  @BeforeAll
  static void connect() {
    traffic = FireTraffic.connect(EmbeddedRocketMq.shared().nameServerAddress());
  }

  @AfterAll
  static void disconnect() {
    traffic.close();
    leases.close();
  }

  @Test
  void starts_healthy_with_the_agent_of_its_app() {
    var health = http.getForEntity("/actuator/health", String.class);

    assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(health.getBody()).contains("\"status\":\"UP\"");
    assertThat(agent.app()).isEqualTo("sample-app");
  }

  @Test
  void the_sharded_handler_runs_each_shard_with_its_parameter() {
    await().atMost(Duration.ofSeconds(30)).until(scheduler::connected);
    long job = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
    Instant due = Instant.now();
    String fireId = Ids.fireId(job, due);
    for (int shard = 0; shard < 2; shard++) {
      traffic.publish(
          fire(
              job,
              fireId,
              shard,
              2,
              "sharded",
              JobType.BEAN,
              null,
              shard == 0 ? "beijing" : "shanghai"));
    }

    for (int shard = 0; shard < 2; shard++) {
      var events = traffic.awaitOutcome(Ids.executionId(fireId, shard));
      ExecutionEvent outcome = traffic.outcomeOf(Ids.executionId(fireId, shard));
      assertThat(events.get(events.size() - 1)).isEqualTo(outcome);
      assertThat(outcome.type()).isEqualTo(ExecutionEventType.SUCCEEDED);
      assertThat(outcome.result()).isEqualTo("shard " + shard + " done");
      assertThat(events.stream().flatMap(e -> e.logLines().stream()).map(LogLine::message))
          .containsExactly(
              "shard " + shard + " of 2 with parameter " + (shard == 0 ? "beijing" : "shanghai"));
    }
  }

  @Test
  void the_http_job_example_calls_the_demo_endpoint() {
    await().atMost(Duration.ofSeconds(30)).until(scheduler::connected);
    long job = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
    String fireId = Ids.fireId(job, Instant.now());
    String request =
        "{\"method\":\"POST\",\"url\":\"http://127.0.0.1:"
            + port
            + "/demo/report\",\"body\":\"{}\","
            + "\"headers\":{\"Content-Type\":\"application/json\"}}";
    traffic.publish(fire(job, fireId, 0, 1, null, JobType.HTTP, request, null));

    ExecutionEvent outcome = traffic.outcomeOf(Ids.executionId(fireId, 0));
    assertThat(outcome.type()).isEqualTo(ExecutionEventType.SUCCEEDED);
    assertThat(outcome.result()).startsWith("200 ").contains("\"report\":\"built\"");
  }

  private static FireEvent fire(
      long job,
      String fireId,
      int shard,
      int shards,
      String handler,
      JobType type,
      String jobData,
      String shardParameter) {
    return new FireEvent(
        Contracts.SCHEMA_VERSION,
        job,
        fireId,
        Ids.executionId(fireId, shard),
        "sample-app",
        type,
        handler,
        jobData,
        null,
        shard,
        shards,
        shardParameter,
        Instant.now(),
        Instant.now(),
        Duration.ofMinutes(1),
        1,
        null,
        BlockStrategy.SERIAL,
        fireId);
  }
}
