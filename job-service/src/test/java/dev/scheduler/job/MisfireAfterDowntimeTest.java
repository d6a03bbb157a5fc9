package dev.scheduler.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.Json;
import dev.scheduler.testkit.EmbeddedRocketMq;
import dev.scheduler.testkit.RealServers;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * After every scheduler was down for ten minutes, a job's missed fires follow its misfire policy.
 * The downtime is recorded as it would be found after a restart: the job's trigger still due ten
 * minutes ago.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@RealServers
class MisfireAfterDowntimeTest {

  private static FireEventRecorder fires;

  @Autowired TestRestTemplate http;
  @Autowired JdbcTemplate jdbc;

  @BeforeAll
  static void listen() throws Exception {
    fires = new FireEventRecorder(EmbeddedRocketMq.shared().nameServerAddress());
  }

  @AfterAll
  static void stopListening() {
    fires.close();
  }

  @ParameterizedTest
  @CsvSource({"FIRE_NOW, 1", "SKIP, 0", "FIRE_ALL, 3"})
  void missed_fires_follow_the_jobs_misfire_policy(String policy, int expectedLateFires) {
    String app = "misfire-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> everyMinute =
        Map.of(
            "app",
            app,
            "name",
            "every-minute",
            "jobType",
            "BEAN",
            "handler",
            "h",
            "schedule",
            Map.of("type", "CRON", "cron", "0 * * * * ?"),
            "misfirePolicy",
            policy,
            "misfireFireAllLimit",
            3);
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    long id =
        http.exchange(
                "/api/v1/jobs",
                HttpMethod.POST,
                new HttpEntity<>(Json.toJson(everyMinute), headers),
                JsonNode.class)
            .getBody()
            .get("id")
            .asLong();
    Instant missedSince =
        Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));

    jdbc.update(
        "UPDATE scheduler_job_trigger SET next_fire_at = ? WHERE job_id = ?",
        missedSince.toEpochMilli(),
        id);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                jdbc.queryForObject(
                        "SELECT next_fire_at FROM scheduler_job_trigger WHERE job_id = ?",
                        Long.class,
                        id)
                    > Instant.now().toEpochMilli());
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(40))
        .until(() -> lateFires(app, id).size() == expectedLateFires);
    List<Instant> late = lateFires(app, id);
    if (expectedLateFires > 0) {
      assertThat(late.get(0)).isEqualTo(missedSince);
    }
    for (int i = 1; i < late.size(); i++) {
      assertThat(late.get(i)).isEqualTo(missedSince.plus(Duration.ofMinutes(i)));
    }
  }

  private static List<Instant> lateFires(String app, long jobId) {
    Instant now = Instant.now().minusSeconds(60);
    return fires.of(app, jobId).stream()
        .map(FireEventRecorder.Received::event)
        .map(FireEvent::scheduledTime)
        .filter(t -> t.isBefore(now))
        .sorted()
        .toList();
  }
}
