package dev.scheduler.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/** Turns {@link RealServers} into properties of the test's application context. */
public class RealServersContextCustomizerFactory implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(
      Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
    var annotation =
        MergedAnnotations.from(testClass, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
            .get(RealServers.class);
    if (!annotation.isPresent()) {
      return null;
    }
    return new Customizer(testClass.getName(), annotation.synthesize());
  }

  /**
   * Equal only for the same test class, so that every class gets its own context and with it its
   * own fresh database.
   */
  private static final class Customizer implements ContextCustomizer {

    private final String testClassName;
    private final RealServers servers;

    Customizer(String testClassName, RealServers servers) {
      this.testClassName = testClassName;
      this.servers = servers;
    }

    @Override
    public void customizeContext(
        ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
      Map<String, Object> properties = new LinkedHashMap<>();
      if (servers.database()) {
        String simpleName = testClassName.substring(testClassName.lastIndexOf('.') + 1);
        TestDatabase database = TestDatabases.create(simpleName);
        properties.put("spring.datasource.url", database.jdbcUrl());
        properties.put("spring.datasource.username", database.username());
        properties.put("spring.datasource.password", database.password());
      }
      if (servers.redis()) {
        RedisEndpoint redis = TestRedis.endpoint();
        properties.put("spring.data.redis.host", redis.host());
        properties.put("spring.data.redis.port", redis.port());
      }
      if (servers.rocketmq()) {
        String nameServer = EmbeddedRocketMq.shared().nameServerAddress();
        properties.put("rocketmq.name-server", nameServer);
        properties.put("scheduler.agent.name-server", nameServer);
      }
      context
          .getEnvironment()
          .getPropertySources()
          .addFirst(new MapPropertySource("realServers", properties));
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Customizer that
          && testClassName.equals(that.testClassName)
          && servers.equals(that.servers);
    }

    @Override
    public int hashCode() {
      return Objects.hash(testClassName, servers);
    }
  }
}
