package dev.scheduler.gateway.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.cloud.nacos.NacosDiscoveryProperties;
import com.alibaba.cloud.nacos.NacosServiceAutoConfiguration;
import com.alibaba.cloud.nacos.discovery.NacosDiscoveryAutoConfiguration;
import com.alibaba.cloud.nacos.discovery.reactive.NacosReactiveDiscoveryClient;
import com.alibaba.cloud.nacos.discovery.reactive.NacosReactiveDiscoveryClientConfiguration;
import com.alibaba.cloud.nacos.util.UtilIPv6AutoConfiguration;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClientAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;

/**
 * Where the gateway looks for the services, from its own configuration files: Nacos (at the address
 * given by NACOS_SERVER_ADDR) with the nacos profile, the local stack's fixed addresses without it.
 * No Nacos server exists where the tests run, so this checks the wiring, not a lookup.
 */
class DiscoveryWiringTest {

  private final ApplicationContextRunner gateway =
      new ApplicationContextRunner()
          .withInitializer(new ConfigDataApplicationContextInitializer())
          .withConfiguration(
              AutoConfigurations.of(
                  UtilAutoConfiguration.class,
                  UtilIPv6AutoConfiguration.class,
                  NacosServiceAutoConfiguration.class,
                  NacosDiscoveryAutoConfiguration.class,
                  NacosReactiveDiscoveryClientConfiguration.class,
                  SimpleReactiveDiscoveryClientAutoConfiguration.class));

  @Test
  void with_the_nacos_profile_the_services_are_found_in_nacos_only() {
    gateway
        .withPropertyValues(
            "spring.profiles.active=nacos",
            "NACOS_SERVER_ADDR=nacos.prod.internal:8848",
            "NACOS_NAMESPACE=scheduler")
        .run(
            context -> {
              assertThat(context).hasSingleBean(NacosReactiveDiscoveryClient.class);
              NacosDiscoveryProperties nacos = context.getBean(NacosDiscoveryProperties.class);
              assertThat(nacos.getServerAddr()).isEqualTo("nacos.prod.internal:8848");
              assertThat(nacos.getNamespace()).isEqualTo("scheduler");
              assertThat(nacos.getService()).isEqualTo("gateway");
              assertThat(simpleInstances(context, "job-service")).isEmpty();
            });
  }

  @Test
  void without_it_the_services_are_at_the_local_stacks_addresses() {
    gateway.run(
        context -> {
          assertThat(context).doesNotHaveBean(NacosReactiveDiscoveryClient.class);
          assertThat(simpleInstances(context, "job-service"))
              .containsExactly(URI.create("http://127.0.0.1:8081"));
          assertThat(simpleInstances(context, "execution-service"))
              .containsExactly(URI.create("http://127.0.0.1:8082"));
          assertThat(simpleInstances(context, "monitor-service"))
              .containsExactly(URI.create("http://127.0.0.1:8083"));
        });
  }

  private static java.util.List<URI> simpleInstances(
      org.springframework.context.ApplicationContext context, String service) {
    return context.getBeansOfType(ReactiveDiscoveryClient.class).values().stream()
        .filter(client -> !(client instanceof NacosReactiveDiscoveryClient))
        .flatMap(client -> client.getInstances(service).toStream())
        .map(ServiceInstance::getUri)
        .toList();
  }
}
