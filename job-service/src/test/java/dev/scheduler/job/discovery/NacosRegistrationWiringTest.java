package dev.scheduler.job.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.cloud.nacos.NacosDiscoveryProperties;
import com.alibaba.cloud.nacos.NacosServiceAutoConfiguration;
import com.alibaba.cloud.nacos.discovery.NacosDiscoveryAutoConfiguration;
import com.alibaba.cloud.nacos.registry.NacosAutoServiceRegistration;
import com.alibaba.cloud.nacos.registry.NacosServiceRegistryAutoConfiguration;
import com.alibaba.cloud.nacos.util.UtilIPv6AutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationAutoConfiguration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;

/**
 * With the nacos profile job-service registers in Nacos as "job-service" (the id the gateway routes
 * to) at the address given by NACOS_SERVER_ADDR; without it, it registers nowhere. Read from the
 * service's own configuration files; no Nacos server exists where the tests run.
 */
class NacosRegistrationWiringTest {

  private final ApplicationContextRunner service =
      new ApplicationContextRunner()
          .withInitializer(new ConfigDataApplicationContextInitializer())
          .withConfiguration(
              AutoConfigurations.of(
                  UtilAutoConfiguration.class,
                  UtilIPv6AutoConfiguration.class,
                  AutoServiceRegistrationConfiguration.class,
                  AutoServiceRegistrationAutoConfiguration.class,
                  NacosServiceAutoConfiguration.class,
                  NacosDiscoveryAutoConfiguration.class,
                  NacosServiceRegistryAutoConfiguration.class));

  @Test
  void with_the_nacos_profile_it_registers_under_its_service_id() {
    service
        .withPropertyValues(
            "spring.profiles.active=nacos",
            "NACOS_SERVER_ADDR=nacos.internal:8848",
            // no 10 s wait after deregistering when the test's context closes
            "spring.cloud.nacos.discovery.graceful-shutdown-wait-time=0")
        .run(
            context -> {
              assertThat(context).hasSingleBean(NacosAutoServiceRegistration.class);
              NacosDiscoveryProperties nacos = context.getBean(NacosDiscoveryProperties.class);
              assertThat(nacos.getService()).isEqualTo("job-service");
              assertThat(nacos.getServerAddr()).isEqualTo("nacos.internal:8848");
            });
  }

  @Test
  void without_it_it_registers_nowhere() {
    service.run(context -> assertThat(context).doesNotHaveBean(NacosAutoServiceRegistration.class));
  }
}
