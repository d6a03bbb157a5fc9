package dev.scheduler.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.cloud.nacos.NacosDiscoveryProperties;
import com.alibaba.cloud.nacos.NacosServiceAutoConfiguration;
import com.alibaba.cloud.nacos.discovery.NacosDiscoveryAutoConfiguration;
import com.alibaba.cloud.nacos.util.UtilIPv6AutoConfiguration;
import dev.scheduler.agent.handler.HandlerRegistry;
import dev.scheduler.agent.handler.ShellJobPlugin;
import dev.scheduler.agent.run.Consumers;
import dev.scheduler.agent.run.Heartbeats;
import dev.scheduler.agent.run.LeaseClient;
import dev.scheduler.agent.run.Leases;
import dev.scheduler.agent.run.Reporter;
import dev.scheduler.agent.run.Runner;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.JobType;
import dev.scheduler.contracts.Json;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
              assertThat(properties.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
            });
  }

  @Test
  void two_instances_of_one_app_get_different_node_ids() {
    AgentProperties properties =
        new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source
                    .MapConfigurationPropertySource(
                    java.util.Map.of("scheduler.agent.app", "billing")))
            .bindOrCreate("scheduler.agent", AgentProperties.class);

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
  void a_configured_host_such_as_the_pod_ip_names_the_node_and_its_heartbeats() {
    runner
        .withPropertyValues("scheduler.agent.app=billing", "scheduler.agent.host=10.42.3.17")
        .run(
            context -> {
              AgentIdentity identity = context.getBean(AgentIdentity.class);
              assertThat(identity.host()).isEqualTo("10.42.3.17");
              assertThat(identity.nodeId()).startsWith("billing@10.42.3.17-");
            });
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

  @Test
  void with_defaults_the_agent_has_every_part_and_no_shell() {
    runner
        .withPropertyValues("scheduler.agent.app=billing")
        .run(
            context -> {
              assertThat(context)
                  .hasSingleBean(SchedulerAgent.class)
                  .hasSingleBean(Runner.class)
                  .hasSingleBean(Consumers.class)
                  .hasSingleBean(Reporter.class)
                  .hasSingleBean(Leases.class)
                  .hasSingleBean(LeaseClient.class)
                  .hasSingleBean(Heartbeats.class)
                  .hasSingleBean(HandlerRegistry.class)
                  .doesNotHaveBean(ShellJobPlugin.class);
              AgentProperties properties = context.getBean(AgentProperties.class);
              assertThat(properties.leaseMargin()).isEqualTo(Duration.ofSeconds(2));
              assertThat(properties.http().allowedHosts()).isEmpty();
              assertThat(context.getBean(SchedulerAgent.class).isRunning()).isTrue();
            });
  }

  @Test
  void a_fire_of_a_job_type_this_agent_does_not_know_is_refused_not_run_as_a_bean() {
    runner
        .withPropertyValues("scheduler.agent.app=billing")
        .withUserConfiguration(Handlers.class)
        .run(
            context -> {
              HandlerRegistry registry = context.getBean(HandlerRegistry.class);
              // A newer platform's type reads as null here; "by-method" is a bean handler of this
              // app.
              FireEvent unknown =
                  Json.fromJson(
                      Json.toJson(fire(JobType.BEAN, "by-method"))
                          .replace("\"BEAN\"", "\"SCRIPT\""),
                      FireEvent.class);
              assertThat(unknown.jobType()).isNull();
              var resolution = registry.resolve(unknown);
              assertThat(resolution.work()).isNull();
              assertThat(resolution.refusal()).contains("no job type this agent knows");
              assertThat(registry.resolve(fire(JobType.BEAN, "by-method")).work()).isNotNull();
            });
  }

  @Test
  void the_shell_plugin_runs_only_when_switched_on() {
    runner
        .withPropertyValues("scheduler.agent.app=billing", "scheduler.agent.shell.enabled=true")
        .withUserConfiguration(Handlers.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(ShellJobPlugin.class);
              var resolution =
                  context.getBean(HandlerRegistry.class).resolve(fire(JobType.CUSTOM, "shell"));
              assertThat(resolution.refusal()).isNull();
            });
  }

  @Test
  void handlers_are_found_on_annotated_methods_and_handler_beans() {
    runner
        .withPropertyValues("scheduler.agent.app=billing")
        .withUserConfiguration(Handlers.class)
        .run(
            context -> {
              HandlerRegistry registry = context.getBean(HandlerRegistry.class);
              assertThat(registry.handlerNames()).containsExactly("by-class", "by-method");
              assertThat(registry.resolve(fire(JobType.BEAN, "nope")).refusal())
                  .contains("no handler named 'nope'")
                  .contains("[by-class, by-method]");
              assertThat(registry.resolve(fire(JobType.CUSTOM, "shell")).refusal())
                  .contains("no job type plugin named 'shell'");
            });
  }

  @Test
  void two_handlers_with_one_name_stop_startup_naming_both() {
    runner
        .withPropertyValues("scheduler.agent.app=billing")
        .withUserConfiguration(Handlers.class, ClashingHandler.class)
        .run(
            context ->
                assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("two job handlers are named 'by-method'"));
  }

  @Test
  void a_handler_method_with_other_parameters_stops_startup() {
    runner
        .withPropertyValues("scheduler.agent.app=billing")
        .withUserConfiguration(WrongSignature.class)
        .run(
            context ->
                assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("must take no argument or one JobContext"));
  }

  @Test
  void the_application_own_runner_replaces_the_default() {
    runner
        .withPropertyValues("scheduler.agent.app=billing")
        .withBean("myRegistry", HandlerRegistry.class, () -> new HandlerRegistry(null))
        .run(
            context ->
                assertThat(context.getBean(HandlerRegistry.class))
                    .isSameAs(context.getBean("myRegistry")));
  }

  @Test
  void without_spring_cloud_nacos_or_micrometer_the_agent_still_starts() {
    runner
        .withPropertyValues("scheduler.agent.app=billing")
        .withClassLoader(
            new FilteredClassLoader(
                "org.springframework.cloud", "com.alibaba.cloud", "io.micrometer"))
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(SchedulerAgent.class);
              assertThat(registryOf(context)).isEmpty();
            });
  }

  @Test
  void heartbeats_find_execution_service_through_discovery() {
    runner
        .withConfiguration(
            AutoConfigurations.of(
                UtilAutoConfiguration.class, SimpleDiscoveryClientAutoConfiguration.class))
        .withPropertyValues(
            "scheduler.agent.app=billing",
            "spring.cloud.discovery.client.simple.instances.execution-service[0].uri=http://10.0.0.5:8082")
        .run(
            context ->
                assertThat(registryOf(context))
                    .containsExactly(URI.create("http://10.0.0.5:8082")));
  }

  @Test
  void a_fixed_registry_url_wins_over_discovery() {
    runner
        .withConfiguration(
            AutoConfigurations.of(
                UtilAutoConfiguration.class, SimpleDiscoveryClientAutoConfiguration.class))
        .withPropertyValues(
            "scheduler.agent.app=billing",
            "scheduler.agent.registry.url=http://registry.internal:8082",
            "spring.cloud.discovery.client.simple.instances.execution-service[0].uri=http://10.0.0.5:8082")
        .run(
            context ->
                assertThat(registryOf(context))
                    .containsExactly(URI.create("http://registry.internal:8082")));
  }

  @Test
  void with_nacos_discovery_the_instance_registers_with_its_agent_metadata() {
    runner
        .withConfiguration(
            AutoConfigurations.of(
                UtilAutoConfiguration.class,
                UtilIPv6AutoConfiguration.class,
                NacosServiceAutoConfiguration.class,
                NacosDiscoveryAutoConfiguration.class))
        .withPropertyValues(
            "scheduler.agent.app=billing",
            "scheduler.agent.node-id=billing-7",
            "scheduler.agent.capacity=12",
            "spring.cloud.nacos.discovery.server-addr=127.0.0.1:8848")
        .run(
            context ->
                assertThat(context.getBean(NacosDiscoveryProperties.class).getMetadata())
                    .containsEntry("scheduler.app", "billing")
                    .containsEntry("scheduler.node-id", "billing-7")
                    .containsEntry("scheduler.capacity", "12"));
  }

  private static java.util.List<URI> registryOf(
      org.springframework.context.ApplicationContext context) {
    return context.getBean(SchedulerAgentAutoConfiguration.RegistryEndpoints.class).get();
  }

  private static FireEvent fire(JobType type, String handler) {
    return new FireEvent(
        0,
        1,
        "1-0",
        "1-0-0",
        "billing",
        type,
        handler,
        null,
        null,
        0,
        1,
        null,
        Instant.EPOCH,
        Instant.EPOCH,
        null,
        1,
        null,
        null,
        null);
  }

  @Configuration(proxyBeanMethods = false)
  static class Handlers {
    @Bean
    MethodHandlers methodHandlers() {
      return new MethodHandlers();
    }

    @Bean
    JobHandler byClass() {
      return new JobHandler() {
        @Override
        public String name() {
          return "by-class";
        }

        @Override
        public Object run(JobContext context) {
          return "ran";
        }
      };
    }
  }

  static class MethodHandlers {
    @SchedulerJob("by-method")
    String run(JobContext context) {
      return "ran shard " + context.shardIndex();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class ClashingHandler {
    @Bean
    Object clashing() {
      return new Object() {
        @SchedulerJob("by-method")
        void again() {}
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class WrongSignature {
    @Bean
    Object wrong() {
      return new Object() {
        @SchedulerJob("wrong")
        void run(String text) {}
      };
    }
  }
}
