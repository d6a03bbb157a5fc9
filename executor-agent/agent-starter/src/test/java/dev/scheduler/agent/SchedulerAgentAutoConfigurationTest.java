package dev.scheduler.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class SchedulerAgentAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ValidationAutoConfiguration.class, SchedulerAgentAutoConfiguration.class));

  @Test
  void an_app_with_the_starter_gets_an_agent_identity_from_its_settings() {
    runner
        .withPropertyValues("scheduler.agent.app=billing", "scheduler.agent.capacity=4")
        .run(
            context -> {
              AgentIdentity identity = context.getBean(AgentIdentity.class);
              assertThat(identity.app()).isEqualTo("billing");
              assertThat(identity.nodeId()).startsWith("billing@");
              AgentProperties properties = context.getBean(AgentProperties.class);
              assertThat(properties.capacity()).isEqualTo(4);
              assertThat(properties.heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
            });
  }

  @Test
  void two_instances_of_one_app_get_different_node_ids() {
    AgentProperties properties = new AgentProperties(true, "billing", null, 8, Duration.ZERO);

    assertThat(AgentIdentity.of(properties).nodeId())
        .isNotEqualTo(AgentIdentity.of(properties).nodeId());
  }

  @Test
  void a_configured_node_id_is_kept() {
    runner
        .withPropertyValues("scheduler.agent.app=billing", "scheduler.agent.node-id=billing-pod-7")
        .run(
            context ->
                assertThat(context.getBean(AgentIdentity.class).nodeId())
                    .isEqualTo("billing-pod-7"));
  }

  @Test
  void the_switch_turns_the_agent_off() {
    runner
        .withPropertyValues("scheduler.agent.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(AgentIdentity.class));
  }

  @Test
  void an_app_name_the_broker_cannot_carry_stops_startup_with_the_reason() {
    runner
        .withPropertyValues("scheduler.agent.app=billing eu")
        .run(
            context ->
                assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("scheduler.agent.app"));
  }

  @Test
  void a_missing_app_name_stops_startup() {
    runner.run(context -> assertThat(context).hasFailed());
  }

  @Test
  void a_bean_of_the_application_replaces_the_default() {
    AgentIdentity own = new AgentIdentity("billing", "fixed", "127.0.0.1");
    runner
        .withPropertyValues("scheduler.agent.app=billing")
        .withBean(AgentIdentity.class, () -> own)
        .run(context -> assertThat(context.getBean(AgentIdentity.class)).isSameAs(own));
  }
}
