package dev.scheduler.support;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.scheduler.contracts.FieldViolation;
import dev.scheduler.contracts.Headers;
import dev.scheduler.contracts.ProblemCode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@SpringBootTest(
    classes = ProblemResponsesTest.App.class,
    properties = {"scheduler.http.max-body-size=1KB", "spring.main.banner-mode=off"})
@AutoConfigureMockMvc
class ProblemResponsesTest {

  @Autowired MockMvc mvc;

  @Test
  void an_api_exception_becomes_a_problem_with_type_code_fields_and_request_id() throws Exception {
    mvc.perform(get("/things/7").header(Headers.REQUEST_ID, "req-123"))
        .andExpect(status().isBadRequest())
        .andExpect(header().string(Headers.REQUEST_ID, "req-123"))
        .andExpect(jsonPath("$.type").value("urn:scheduler:problem:validation-failed"))
        .andExpect(jsonPath("$.code").value("VALIDATION_FAILED"))
        .andExpect(jsonPath("$.status").value(400))
        .andExpect(jsonPath("$.requestId").value("req-123"))
        .andExpect(jsonPath("$.errors[0].field").value("id"))
        .andExpect(jsonPath("$.errors[0].reason").value("must be even"));
  }

  @Test
  void an_unknown_thing_is_a_404_problem() throws Exception {
    mvc.perform(get("/things/404"))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.code").value("NOT_FOUND"))
        .andExpect(jsonPath("$.detail").value("thing 404 does not exist"));
  }

  @Test
  void bean_validation_failures_name_every_bad_field() throws Exception {
    mvc.perform(
            post("/things")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\" \",\"size\":99}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.code").value("VALIDATION_FAILED"))
        .andExpect(jsonPath("$.errors.length()").value(2))
        .andExpect(jsonPath("$.errors[?(@.field=='name')]").exists())
        .andExpect(jsonPath("$.errors[?(@.field=='size')]").exists());
  }

  @Test
  void a_value_of_the_wrong_type_names_its_field() throws Exception {
    mvc.perform(
            post("/things")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"x\",\"size\":\"big\"}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.code").value("MALFORMED_REQUEST"))
        .andExpect(jsonPath("$.errors[0].field").value("size"));
  }

  @Test
  void a_body_that_is_not_json_is_malformed() throws Exception {
    mvc.perform(post("/things").contentType(MediaType.APPLICATION_JSON).content("{not json"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.code").value("MALFORMED_REQUEST"));
  }

  @Test
  void a_query_parameter_of_the_wrong_type_names_the_parameter() throws Exception {
    mvc.perform(get("/things").param("size", "many"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].field").value("size"));
  }

  @Test
  void a_body_over_the_limit_is_refused_before_it_is_read() throws Exception {
    mvc.perform(
            post("/things")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"" + "x".repeat(2_000) + "\",\"size\":1}"))
        .andExpect(status().isPayloadTooLarge())
        .andExpect(jsonPath("$.code").value("PAYLOAD_TOO_LARGE"));
  }

  @Test
  void spring_errors_get_the_same_shape() throws Exception {
    mvc.perform(get("/nowhere"))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.code").value("NOT_FOUND"))
        .andExpect(jsonPath("$.type").value(ProblemCode.NOT_FOUND.type().toString()));
    mvc.perform(
            org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete("/things/1"))
        .andExpect(status().isMethodNotAllowed())
        .andExpect(jsonPath("$.code").value("METHOD_NOT_ALLOWED"));
  }

  @Test
  void an_unexpected_failure_is_a_500_that_hides_internals() throws Exception {
    mvc.perform(get("/things/13"))
        .andExpect(status().isInternalServerError())
        .andExpect(jsonPath("$.code").value("INTERNAL_ERROR"))
        .andExpect(
            jsonPath("$.detail")
                .value("unexpected failure; the request id identifies it in the logs"));
  }

  record NewThing(@NotBlank String name, @Max(10) int size) {}

  @RestController
  static class Things {

    @GetMapping("/things/{id}")
    String thing(@PathVariable long id) {
      if (id == 404) {
        throw ApiException.notFound("thing 404");
      }
      if (id == 13) {
        throw new IllegalStateException("secret internals");
      }
      throw ApiException.invalid(List.of(new FieldViolation("id", "must be even")));
    }

    @GetMapping("/things")
    String list(@RequestParam int size) {
      return "ok";
    }

    @PostMapping("/things")
    String create(@Valid @RequestBody NewThing thing) {
      return "ok";
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(Things.class)
  static class App {}
}
