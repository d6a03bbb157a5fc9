package dev.scheduler.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scheduler.contracts.Json;
import dev.scheduler.testkit.RealServers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every refusal of the jobs API: the right status and code, the bad fields named, nothing changed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@RealServers
class JobsApiErrorsTest {

  @Autowired TestRestTemplate http;
  @Autowired JdbcTemplate jdbc;

  private ResponseEntity<JsonNode> call(HttpMethod method, String path, Object body) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    String json = body == null ? null : body instanceof String s ? s : Json.toJson(body);
    return http.exchange(path, method, new HttpEntity<>(json, headers), JsonNode.class);
  }

  private static Map<String, Object> valid(String name) {
    Map<String, Object> job = new HashMap<>();
    job.put("app", "billing");
    job.put("name", name);
    job.put("jobType", "BEAN");
    job.put("handler", "invoiceJob");
    job.put("schedule", Map.of("type", "CRON", "cron", "0 0 3 * * ?"));
    return job;
  }

  private long rows() {
    return jdbc.queryForObject("SELECT COUNT(*) FROM scheduler_job_definition", Long.class);
  }

  private static List<String> fields(ResponseEntity<JsonNode> response) {
    return response.getBody().get("errors").findValuesAsText("field");
  }

  @Test
  void lists_longer_together_than_their_column_are_refused_and_nothing_is_stored() {
    // each entry is allowed, all of them together do not fit alert_contacts (1,024) or tags (512)
    Map<String, Object> job = valid("long-lists");
    job.put("alertContacts", java.util.Collections.nCopies(20, "c".repeat(100)));
    job.put("tags", java.util.Collections.nCopies(20, "t".repeat(30)));
    long before = rows();

    ResponseEntity<JsonNode> response = call(HttpMethod.POST, "/api/v1/jobs", job);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(fields(response)).containsExactlyInAnyOrder("alertContacts", "tags");
    assertThat(rows()).isEqualTo(before);
  }

  @Test
  void a_field_the_api_does_not_know_is_refused_by_name_and_nothing_is_stored() {
    // endAt belongs inside schedule: beside it, it used to be dropped and the job never ended.
    Map<String, Object> misplaced = valid("misplaced-end");
    misplaced.put("endAt", "2030-01-01T00:00:00Z");
    Map<String, Object> nested = valid("typo-in-schedule");
    nested.put("schedule", Map.of("type", "CRON", "cron", "0 0 3 * * ?", "timezone", "UTC"));
    long before = rows();

    ResponseEntity<JsonNode> top = call(HttpMethod.POST, "/api/v1/jobs", misplaced);
    ResponseEntity<JsonNode> inner = call(HttpMethod.POST, "/api/v1/jobs", nested);

    assertThat(top.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(top.getBody().get("code").asText()).isEqualTo("VALIDATION_FAILED");
    assertThat(fields(top)).containsExactly("endAt");
    assertThat(top.getBody().get("errors").get(0).get("reason").asText())
        .isEqualTo("is not a known field here");
    assertThat(inner.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(fields(inner)).containsExactly("schedule.timezone");
    assertThat(rows()).isEqualTo(before);
  }

  @Test
  void a_job_with_many_mistakes_is_refused_naming_each_and_nothing_is_stored() {
    Map<String, Object> bad = new HashMap<>();
    bad.put("app", "billing eu");
    bad.put("name", "x".repeat(129));
    bad.put("jobType", "SCRIPT");
    bad.put("schedule", Map.of("type", "CRON", "cron", "0 0 25 * * ?", "timeZone", "Mars/Olympus"));
    bad.put("shardCount", 3);
    bad.put("shardParameters", "0=a,5=b");
    bad.put("broadcast", true);
    bad.put("priority", 11);
    bad.put("timeout", "PT48H");
    bad.put("retryPolicy", Map.of("maxAttempts", 50, "backoff", "LINEAR"));
    bad.put("misfirePolicy", "SOMETIMES");
    bad.put("blockStrategy", "QUEUE");
    bad.put("tags", List.of("ok", "not ok"));
    long before = rows();

    ResponseEntity<JsonNode> response = call(HttpMethod.POST, "/api/v1/jobs", bad);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.getBody().get("code").asText()).isEqualTo("VALIDATION_FAILED");
    assertThat(response.getBody().get("type").asText())
        .isEqualTo("urn:scheduler:problem:validation-failed");
    assertThat(fields(response))
        .contains(
            "app",
            "name",
            "jobType",
            "schedule.cron",
            "schedule.timeZone",
            "shardParameters[5]",
            "broadcast",
            "priority",
            "timeout",
            "retryPolicy.maxAttempts",
            "retryPolicy.backoff",
            "misfirePolicy",
            "blockStrategy",
            "tags[1]");
    assertThat(rows()).isEqualTo(before);
  }

  @Test
  void schedule_fields_must_fit_the_schedule_type() {
    Map<String, Object> job = valid("mixed");
    job.put("schedule", Map.of("type", "FIXED_RATE", "cron", "0 * * * * ?"));

    ResponseEntity<JsonNode> response = call(HttpMethod.POST, "/api/v1/jobs", job);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(fields(response)).containsExactlyInAnyOrder("schedule.fixedRate", "schedule.cron");
  }

  @Test
  void http_jobs_need_a_url_and_one_time_jobs_an_instant_in_the_future() {
    Map<String, Object> http = valid("http");
    http.put("jobType", "HTTP");
    http.put("jobData", Map.of("url", "ftp://files"));
    Map<String, Object> once = valid("once");
    once.put("schedule", Map.of("type", "ONE_TIME", "fireAt", "2001-01-01T00:00:00Z"));

    assertThat(fields(call(HttpMethod.POST, "/api/v1/jobs", http))).containsExactly("jobData.url");
    assertThat(fields(call(HttpMethod.POST, "/api/v1/jobs", once)))
        .containsExactly("schedule.fireAt");
  }

  @Test
  void a_cron_that_never_fires_is_refused() {
    Map<String, Object> job = valid("february-30");
    job.put("schedule", Map.of("type", "CRON", "cron", "0 0 0 30 2 ?"));

    ResponseEntity<JsonNode> response = call(HttpMethod.POST, "/api/v1/jobs", job);

    assertThat(fields(response)).containsExactly("schedule.cron");
    assertThat(response.getBody().get("errors").get(0).get("reason").asText())
        .contains("never fires");
  }

  @Test
  void a_value_of_the_wrong_type_is_malformed_and_names_the_field() {
    Map<String, Object> job = valid("typed");
    job.put("shardCount", "three");

    ResponseEntity<JsonNode> response = call(HttpMethod.POST, "/api/v1/jobs", job);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.getBody().get("code").asText()).isEqualTo("MALFORMED_REQUEST");
    assertThat(fields(response)).containsExactly("shardCount");
  }

  @Test
  void a_second_live_job_with_the_same_name_in_the_app_conflicts() {
    assertThat(call(HttpMethod.POST, "/api/v1/jobs", valid("unique")).getStatusCode())
        .isEqualTo(HttpStatus.CREATED);
    long before = rows();

    ResponseEntity<JsonNode> again = call(HttpMethod.POST, "/api/v1/jobs", valid("unique"));

    assertThat(again.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
    assertThat(again.getBody().get("code").asText()).isEqualTo("ALREADY_EXISTS");
    assertThat(fields(again)).containsExactly("name");
    assertThat(rows()).isEqualTo(before);
  }

  @Test
  void a_stale_update_conflicts_and_changes_nothing() {
    JsonNode job = call(HttpMethod.POST, "/api/v1/jobs", valid("versioned")).getBody();
    long id = job.get("id").asLong();
    Map<String, Object> first = valid("versioned");
    first.put("description", "first edit");
    first.put("version", job.get("version").asLong());
    assertThat(call(HttpMethod.PUT, "/api/v1/jobs/" + id, first).getStatusCode())
        .isEqualTo(HttpStatus.OK);
    Map<String, Object> stale = valid("versioned");
    stale.put("description", "stale edit");
    stale.put("version", job.get("version").asLong());

    ResponseEntity<JsonNode> response = call(HttpMethod.PUT, "/api/v1/jobs/" + id, stale);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
    assertThat(response.getBody().get("code").asText()).isEqualTo("VERSION_CONFLICT");
    JsonNode now = call(HttpMethod.GET, "/api/v1/jobs/" + id, null).getBody();
    assertThat(now.get("description").asText()).isEqualTo("first edit");
    assertThat(now.get("version").asLong()).isEqualTo(job.get("version").asLong() + 1);
  }

  @Test
  void an_update_must_name_its_version() {
    long id =
        call(HttpMethod.POST, "/api/v1/jobs", valid("no-version")).getBody().get("id").asLong();

    ResponseEntity<JsonNode> response =
        call(HttpMethod.PUT, "/api/v1/jobs/" + id, valid("no-version"));

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(fields(response)).containsExactly("version");
  }

  @Test
  void every_operation_on_an_unknown_job_is_a_404() {
    Map<String, Object> update = valid("ghost");
    update.put("version", 0);
    List<ResponseEntity<JsonNode>> responses =
        List.of(
            call(HttpMethod.GET, "/api/v1/jobs/999999", null),
            call(HttpMethod.PUT, "/api/v1/jobs/999999", update),
            call(HttpMethod.DELETE, "/api/v1/jobs/999999", null),
            call(HttpMethod.POST, "/api/v1/jobs/999999/pause", null),
            call(HttpMethod.POST, "/api/v1/jobs/999999/resume", null),
            call(HttpMethod.POST, "/api/v1/jobs/999999/trigger", null),
            call(HttpMethod.GET, "/api/v1/jobs/999999/next-fire-times", null),
            call(HttpMethod.GET, "/api/v1/jobs/999999/history", null));

    assertThat(responses)
        .allSatisfy(
            r -> {
              assertThat(r.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
              assertThat(r.getBody().get("code").asText()).isEqualTo("NOT_FOUND");
            });
  }

  @Test
  void listing_filters_pages_and_sorts_and_refuses_bad_paging() {
    for (String name : List.of("alpha-report", "beta-report", "gamma-export")) {
      Map<String, Object> job = valid(name);
      job.put("app", "listing");
      job.put("tags", List.of(name.endsWith("export") ? "export" : "report"));
      call(HttpMethod.POST, "/api/v1/jobs", job);
    }

    JsonNode reports =
        call(HttpMethod.GET, "/api/v1/jobs?app=listing&q=report&sort=name,desc&size=1", null)
            .getBody();
    JsonNode exports = call(HttpMethod.GET, "/api/v1/jobs?app=listing&q=EXPORT", null).getBody();

    assertThat(reports.get("totalItems").asLong()).isEqualTo(2);
    assertThat(reports.get("totalPages").asLong()).isEqualTo(2);
    assertThat(reports.get("items").get(0).get("name").asText()).isEqualTo("beta-report");
    assertThat(exports.get("items").findValuesAsText("name")).containsExactly("gamma-export");
    assertThat(call(HttpMethod.GET, "/api/v1/jobs?size=0", null).getStatusCode())
        .isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(fields(call(HttpMethod.GET, "/api/v1/jobs?sort=colour", null)))
        .containsExactly("sort");
    assertThat(fields(call(HttpMethod.GET, "/api/v1/jobs?status=SLEEPING", null)))
        .containsExactly("status");
  }

  @Test
  void a_deleted_job_frees_its_name_and_keeps_its_history() {
    long id = call(HttpMethod.POST, "/api/v1/jobs", valid("reborn")).getBody().get("id").asLong();

    assertThat(call(HttpMethod.DELETE, "/api/v1/jobs/" + id, null).getStatusCode())
        .isEqualTo(HttpStatus.NO_CONTENT);

    assertThat(call(HttpMethod.GET, "/api/v1/jobs/" + id, null).getStatusCode())
        .isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(call(HttpMethod.POST, "/api/v1/jobs", valid("reborn")).getStatusCode())
        .isEqualTo(HttpStatus.CREATED);
    assertThat(
            call(HttpMethod.GET, "/api/v1/jobs/" + id + "/history", null)
                .getBody()
                .get("totalItems")
                .asLong())
        .isEqualTo(2);
  }

  @Test
  void trigger_parameters_are_bounded() {
    long id =
        call(HttpMethod.POST, "/api/v1/jobs", valid("big-params")).getBody().get("id").asLong();

    ResponseEntity<JsonNode> response =
        call(
            HttpMethod.POST,
            "/api/v1/jobs/" + id + "/trigger",
            Map.of("params", "p".repeat(9_000)));

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(fields(response)).containsExactly("params");
  }
}
