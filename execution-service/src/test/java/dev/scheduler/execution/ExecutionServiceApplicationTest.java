package dev.scheduler.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduler.testkit.RealServers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@RealServers(redis = false)
class ExecutionServiceApplicationTest {

  @Autowired TestRestTemplate http;
  @Autowired JdbcTemplate jdbc;

  @Test
  void starts_on_mariadb_with_its_schema_and_reports_healthy() {
    var health = http.getForEntity("/actuator/health", String.class);

    assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(health.getBody()).contains("\"status\":\"UP\"").contains("\"db\"");
    assertThat(
            jdbc.queryForList(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()",
                String.class))
        .contains(
            "scheduler_job_execution",
            "scheduler_job_execution_attempt",
            "scheduler_job_log",
            "scheduler_job_lock",
            "scheduler_node_registry");
  }

  @Test
  void publishes_its_openapi_description_for_the_gateways_swagger_ui() {
    var docs = http.getForEntity("/v3/api-docs", String.class);

    assertThat(docs.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(docs.getBody())
        .contains("\"title\":\"execution-service\"")
        .contains(
            "\"/api/v1/executions\"",
            "\"/api/v1/executions/{executionId}/retry\"",
            "\"/api/v1/nodes\"")
        .contains("\"X-Api-Key\"")
        .doesNotContain("/agent/v1");
  }
}
