package dev.scheduler.job.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.never;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.scheduler.contracts.FieldViolation;
import dev.scheduler.contracts.Headers;
import dev.scheduler.contracts.ProblemCode;
import dev.scheduler.job.audit.AuditEntry;
import dev.scheduler.job.audit.JobAuditLog;
import dev.scheduler.job.trigger.TriggerEngine;
import dev.scheduler.support.ApiException;
import dev.scheduler.support.Caller;
import dev.scheduler.support.PageResponse;
import dev.scheduler.support.ServiceSupportAutoConfiguration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * The web layer of the jobs API alone: each endpoint's route, status and body, and each refusal as
 * a problem response. The service behind it is replaced; what it decides is tested against the real
 * servers in {@code JobsApiErrorsTest} and {@code JobsApiIntegrationTest}.
 */
@WebMvcTest(JobsResource.class)
@ImportAutoConfiguration(ServiceSupportAutoConfiguration.class)
class JobsResourceTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final String BODY =
      """
      {"app": "billing", "name": "nightly", "jobType": "BEAN", "handler": "nightlyJob",
       "schedule": {"type": "CRON", "cron": "0 0 2 * * ?"}}""";
  private static final TriggerEngine.FireTimes TIMES =
      new TriggerEngine.FireTimes(NOW.minusSeconds(60), NOW.plusSeconds(60));

  @Autowired MockMvc http;
  @MockitoBean JobService jobs;
  @MockitoBean JobAuditLog audit;

  @BeforeEach
  void fireTimesOfAnyJob() {
    given(jobs.fireTimes(anyLong())).willReturn(TIMES);
  }

  @Test
  void create_answers_201_with_the_location_the_job_and_its_fire_times() throws Exception {
    given(jobs.create(any(), any())).willReturn(job(7, JobStatus.ACTIVE, 1));

    send(post("/api/v1/jobs").header(Headers.CALLER, "alice"), BODY)
        .andExpect(status().isCreated())
        .andExpect(header().string("Location", "/api/v1/jobs/7"))
        .andExpect(jsonPath("$.id").value(7))
        .andExpect(jsonPath("$.app").value("billing"))
        .andExpect(jsonPath("$.nextFireTime").value("2026-03-01T10:01:00Z"));
    ArgumentCaptor<Caller> caller = ArgumentCaptor.forClass(Caller.class);
    then(jobs).should().create(any(), caller.capture());
    assertThat(caller.getValue().name()).isEqualTo("alice");
  }

  @Test
  void create_refused_by_validation_is_a_400_naming_each_field() throws Exception {
    given(jobs.create(any(), any()))
        .willThrow(
            ApiException.invalid(
                List.of(
                    new FieldViolation("name", "must not be blank"),
                    new FieldViolation("schedule.cron", "is not a valid cron expression"))));

    send(post("/api/v1/jobs"), BODY)
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.code").value("VALIDATION_FAILED"))
        .andExpect(jsonPath("$.type").value("urn:scheduler:problem:validation-failed"))
        .andExpect(jsonPath("$.errors[*].field").value(contains("name", "schedule.cron")));
  }

  @Test
  void malformed_json_and_wrong_types_are_400_naming_the_field_and_reach_no_service()
      throws Exception {
    send(post("/api/v1/jobs"), "{\"app\": ")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.code").value("MALFORMED_REQUEST"));
    send(post("/api/v1/jobs"), "{\"app\": \"a\", \"priority\": \"high\"}")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.code").value("MALFORMED_REQUEST"))
        .andExpect(jsonPath("$.errors[0].field").value("priority"));
    then(jobs).should(never()).create(any(), any());
  }

  @Test
  void a_duplicate_name_is_a_409() throws Exception {
    given(jobs.create(any(), any()))
        .willThrow(new ApiException(ProblemCode.ALREADY_EXISTS, "taken"));

    send(post("/api/v1/jobs"), BODY)
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.code").value("ALREADY_EXISTS"));
  }

  @Test
  void get_answers_the_job_and_unknown_is_a_404() throws Exception {
    given(jobs.view(7)).willReturn(JobView.of(job(7, JobStatus.PAUSED, 3), TIMES));
    given(jobs.view(8)).willThrow(ApiException.notFound("job 8"));

    http.perform(get("/api/v1/jobs/7"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.status").value("PAUSED"))
        .andExpect(jsonPath("$.version").value(3));
    http.perform(get("/api/v1/jobs/8"))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.code").value("NOT_FOUND"));
  }

  @Test
  void list_passes_filters_paging_and_sort_and_reads_fire_times_once_per_page() throws Exception {
    given(jobs.list(any()))
        .willReturn(
            new JobRepository.Page(
                List.of(job(1, JobStatus.ACTIVE, 1), job(2, JobStatus.ACTIVE, 1)), 12, true));
    given(jobs.fireTimes(anyCollection())).willReturn(Map.of(1L, TIMES, 2L, TIMES));

    http.perform(
            get(
                "/api/v1/jobs?app=billing&status=ACTIVE&q=night&scheduleType=CRON"
                    + "&page=1&size=2&sort=updatedAt,desc"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.items[*].id").value(contains(1, 2)))
        .andExpect(jsonPath("$.totalItems").value(12))
        .andExpect(jsonPath("$.totalPages").value(6));
    then(jobs)
        .should()
        .list(
            new JobQuery(
                "billing",
                JobStatus.ACTIVE,
                "night",
                ScheduleType.CRON,
                1,
                2,
                JobQuery.SortField.UPDATED_AT,
                true));
    then(jobs).should(never()).fireTimes(anyLong());
  }

  @Test
  void list_refuses_bad_paging_sorting_and_filters_naming_the_parameter() throws Exception {
    for (String query :
        List.of(
            "size=0",
            "size=201",
            "page=-1",
            "sort=colour",
            "sort=name,sideways",
            "status=SLEEPING",
            "scheduleType=HOURLY")) {
      http.perform(get("/api/v1/jobs?" + query))
          .andExpect(status().isBadRequest())
          .andExpect(jsonPath("$.errors[0].field").value(query.substring(0, query.indexOf('='))));
    }
    then(jobs).should(never()).list(any());
  }

  @Test
  void update_answers_the_new_version_and_a_stale_one_is_a_409() throws Exception {
    given(jobs.update(eq(7L), any(), any())).willReturn(job(7, JobStatus.ACTIVE, 4));
    given(jobs.update(eq(9L), any(), any()))
        .willThrow(new ApiException(ProblemCode.VERSION_CONFLICT, "stale"));

    send(put("/api/v1/jobs/7"), BODY)
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.version").value(4));
    send(put("/api/v1/jobs/9"), BODY)
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.code").value("VERSION_CONFLICT"));
  }

  @Test
  void delete_answers_204_and_a_concurrent_change_is_a_409() throws Exception {
    org.mockito.BDDMockito.willThrow(new ApiException(ProblemCode.STATE_CONFLICT, "changed"))
        .given(jobs)
        .delete(eq(9L), any());

    http.perform(delete("/api/v1/jobs/7")).andExpect(status().isNoContent());
    http.perform(delete("/api/v1/jobs/9"))
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.code").value("STATE_CONFLICT"));
    then(jobs).should().delete(eq(7L), any());
  }

  @Test
  void pause_and_resume_answer_the_job_in_its_new_state() throws Exception {
    given(jobs.pause(eq(7L), any())).willReturn(job(7, JobStatus.PAUSED, 2));
    given(jobs.resume(eq(7L), any())).willReturn(job(7, JobStatus.ACTIVE, 3));

    http.perform(post("/api/v1/jobs/7/pause"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.status").value("PAUSED"));
    http.perform(post("/api/v1/jobs/7/resume"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.status").value("ACTIVE"));
  }

  @Test
  void trigger_answers_202_with_the_fire_and_passes_the_parameters() throws Exception {
    given(jobs.trigger(eq(7L), eq("region=eu"), any()))
        .willReturn(new TriggerResult(7, "7-1", NOW, List.of("7-1-0", "7-1-1")));

    send(post("/api/v1/jobs/7/trigger"), "{\"params\": \"region=eu\"}")
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.fireId").value("7-1"))
        .andExpect(jsonPath("$.executionIds").value(contains("7-1-0", "7-1-1")));
    http.perform(post("/api/v1/jobs/7/trigger")).andExpect(status().isAccepted());
    then(jobs).should().trigger(eq(7L), eq(null), any());
  }

  @Test
  void trigger_when_the_broker_is_down_is_a_503() throws Exception {
    given(jobs.trigger(eq(7L), any(), any()))
        .willThrow(new ApiException(ProblemCode.SERVICE_UNAVAILABLE, "broker"));

    http.perform(post("/api/v1/jobs/7/trigger"))
        .andExpect(status().isServiceUnavailable())
        .andExpect(jsonPath("$.code").value("SERVICE_UNAVAILABLE"));
  }

  @Test
  void next_fire_times_and_preview_answer_instants_and_bound_the_count() throws Exception {
    given(jobs.nextFireTimes(7, 2)).willReturn(List.of(NOW, NOW.plusSeconds(60)));
    given(jobs.preview(any(), eq(3))).willReturn(List.of(NOW));

    http.perform(get("/api/v1/jobs/7/next-fire-times?count=2"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$").value(contains("2026-03-01T10:00:00Z", "2026-03-01T10:01:00Z")));
    send(post("/api/v1/jobs/preview?count=3"), BODY).andExpect(status().isOk());
    http.perform(get("/api/v1/jobs/7/next-fire-times?count=101"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].field").value("count"));
    send(post("/api/v1/jobs/preview?count=0"), BODY).andExpect(status().isBadRequest());
    then(jobs).should(never()).nextFireTimes(anyLong(), eq(101));
    then(jobs).should(never()).preview(any(), eq(0));
  }

  @Test
  void history_pages_the_audit_and_a_job_that_never_existed_is_a_404() throws Exception {
    given(jobs.everExisted(7)).willReturn(true);
    given(audit.history(7, 0, 20))
        .willReturn(
            PageResponse.of(
                List.of(
                    new AuditEntry(
                        2, "PAUSED", "alice", "r-1", NOW, List.of("status"), null, null, 2L)),
                0,
                20,
                1));

    http.perform(get("/api/v1/jobs/7/history"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.items[0].actor").value("alice"))
        .andExpect(jsonPath("$.items[0].changes").value(containsInAnyOrder("status")));
    http.perform(get("/api/v1/jobs/8/history")).andExpect(status().isNotFound());
    then(audit).should(never()).history(eq(8L), anyInt(), anyInt());
  }

  private ResultActions send(
      org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request,
      String body)
      throws Exception {
    return http.perform(request.contentType(MediaType.APPLICATION_JSON).content(body));
  }

  private static JobDefinition job(long id, JobStatus status, long version) {
    JobSpec spec =
        TestSpecs.cron(
            "billing",
            "nightly",
            null,
            "0 0 2 * * ?",
            1,
            Map.of(),
            false,
            5,
            Duration.ofMinutes(10));
    return new JobDefinition(id, spec, status, version, NOW, "alice", NOW, "alice");
  }
}
