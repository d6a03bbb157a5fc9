package dev.scheduler.agent;

import dev.scheduler.agent.handler.HandlerRegistry;
import dev.scheduler.agent.handler.HttpJobType;
import dev.scheduler.agent.handler.SchedulerJobMethods;
import dev.scheduler.agent.handler.ShellJobPlugin;
import dev.scheduler.agent.run.Consumers;
import dev.scheduler.agent.run.Heartbeats;
import dev.scheduler.agent.run.LeaseClient;
import dev.scheduler.agent.run.Leases;
import dev.scheduler.agent.run.RegistryHttp;
import dev.scheduler.agent.run.Reporter;
import dev.scheduler.agent.run.Runner;
import dev.scheduler.agent.run.Ticker;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Sets up the executor agent in a business application. Off with {@code
 * scheduler.agent.enabled=false}. Every bean backs off to one the application defines.
 */
@AutoConfiguration
@ConditionalOnProperty(
    prefix = "scheduler.agent",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(AgentProperties.class)
public class SchedulerAgentAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  AgentIdentity agentIdentity(AgentProperties properties) {
    return AgentIdentity.of(properties);
  }

  @Bean
  @ConditionalOnMissingBean
  HttpJobType schedulerHttpJobType(AgentProperties properties) {
    return new HttpJobType(properties.http());
  }

  @Bean
  @ConditionalOnMissingBean
  HandlerRegistry schedulerHandlerRegistry(HttpJobType http) {
    return new HandlerRegistry(http);
  }

  /** Static and lazy on the registry: a post-processor must not pull beans in early. */
  @Bean
  @ConditionalOnMissingBean
  static SchedulerJobMethods schedulerJobMethods(ObjectProvider<HandlerRegistry> registry) {
    return new SchedulerJobMethods(registry::getObject);
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "scheduler.agent.shell", name = "enabled", havingValue = "true")
  ShellJobPlugin schedulerShellJobPlugin() {
    return new ShellJobPlugin();
  }

  @Bean
  @ConditionalOnMissingBean
  RegistryHttp schedulerRegistryHttp(AgentProperties properties, RegistryEndpoints endpoints) {
    return new RegistryHttp(endpoints, properties.registry());
  }

  @Bean
  @ConditionalOnMissingBean
  Leases schedulerLeases(AgentProperties properties) {
    return new Leases(Ticker.SYSTEM, properties.leaseMargin());
  }

  @Bean
  @ConditionalOnMissingBean
  LeaseClient schedulerLeaseClient(AgentIdentity identity, RegistryHttp http, Leases leases) {
    return new LeaseClient(http, identity.nodeId(), identity.app(), Ticker.SYSTEM, leases);
  }

  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  Reporter schedulerReporter(AgentProperties properties, AgentIdentity identity) {
    return new Reporter(
        properties.nameServer(),
        properties.app(),
        identity.nodeId(),
        properties.registry().token());
  }

  @Bean
  @ConditionalOnMissingBean
  Runner schedulerRunner(
      AgentProperties properties,
      AgentIdentity identity,
      HandlerRegistry handlers,
      LeaseClient leaseClient,
      Leases leases,
      Reporter reporter,
      ObjectProvider<Clock> clock) {
    return new Runner(
        identity.nodeId(),
        properties,
        handlers,
        leaseClient,
        leases,
        reporter,
        clock.getIfAvailable(Clock::systemUTC));
  }

  @Bean
  @ConditionalOnMissingBean
  Consumers schedulerConsumers(AgentProperties properties, AgentIdentity identity, Runner runner) {
    return new Consumers(properties.nameServer(), properties.app(), identity.nodeId(), runner);
  }

  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  Heartbeats schedulerHeartbeats(
      AgentProperties properties,
      AgentIdentity identity,
      Runner runner,
      Leases leases,
      RegistryHttp registry,
      ObjectProvider<Clock> clock,
      Environment environment) {
    return new Heartbeats(
        identity,
        properties,
        runner,
        leases,
        registry,
        Ticker.SYSTEM,
        clock.getIfAvailable(Clock::systemUTC),
        environment.getProperty("server.port", Integer.class, 8080));
  }

  /** A fixed URL when one is configured, none otherwise (see the discovery variant below). */
  @Bean
  @ConditionalOnMissingBean
  RegistryEndpoints schedulerRegistryEndpoints(AgentProperties properties) {
    String url = properties.registry().url();
    List<URI> fixed = url == null || url.isBlank() ? List.of() : List.of(URI.create(url));
    return () -> fixed;
  }

  @Bean
  @ConditionalOnMissingBean
  SchedulerAgent schedulerAgent(
      AgentIdentity identity,
      AgentProperties properties,
      Reporter reporter,
      Runner runner,
      Consumers consumers,
      Heartbeats heartbeats) {
    return new SchedulerAgent(identity, properties, reporter, runner, consumers, heartbeats);
  }

  /** Base URLs of execution-service, for heartbeats and lease claims. */
  @FunctionalInterface
  public interface RegistryEndpoints extends Supplier<List<URI>> {}

  /**
   * With Spring Cloud on the classpath: execution-service's instances as discovery knows them at
   * each heartbeat (none while no discovery client is configured), unless a URL is fixed.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.cloud.client.discovery.DiscoveryClient")
  static class DiscoveryRegistry {

    @Bean
    @ConditionalOnMissingBean
    RegistryEndpoints schedulerDiscoveredRegistryEndpoints(
        AgentProperties properties,
        ObjectProvider<org.springframework.cloud.client.discovery.DiscoveryClient> discovery) {
      String url = properties.registry().url();
      if (url != null && !url.isBlank()) {
        List<URI> fixed = List.of(URI.create(url));
        return () -> fixed;
      }
      return () ->
          discovery
              .orderedStream()
              .findFirst()
              .map(
                  client ->
                      client.getInstances(properties.registry().serviceId()).stream()
                          .map(org.springframework.cloud.client.ServiceInstance::getUri)
                          .toList())
              .orElse(List.of());
    }
  }

  /** With Micrometer: the agent's meters in the application's registry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
  static class Metrics {

    @Bean
    @ConditionalOnMissingBean
    AgentMetrics schedulerAgentMetrics(
        AgentIdentity identity, Runner runner, Reporter reporter, Consumers consumers) {
      return new AgentMetrics(identity, runner, reporter, consumers);
    }
  }

  /**
   * With Nacos discovery: the instance registers with its agent metadata, so that operators and the
   * platform can tell the app's agents apart in Nacos.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "com.alibaba.cloud.nacos.NacosDiscoveryProperties")
  static class NacosMetadata {

    @Bean
    org.springframework.beans.factory.SmartInitializingSingleton schedulerNacosMetadata(
        ObjectProvider<com.alibaba.cloud.nacos.NacosDiscoveryProperties> nacosProperties,
        AgentIdentity identity,
        AgentProperties properties) {
      return () ->
          nacosProperties.ifAvailable(
              nacos -> {
                nacos.getMetadata().put("scheduler.app", identity.app());
                nacos.getMetadata().put("scheduler.node-id", identity.nodeId());
                nacos
                    .getMetadata()
                    .put("scheduler.capacity", Integer.toString(properties.capacity()));
              });
    }
  }
}
