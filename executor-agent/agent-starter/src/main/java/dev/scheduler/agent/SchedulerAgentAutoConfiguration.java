package dev.scheduler.agent;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Sets up the executor agent in a business application. Off with {@code
 * scheduler.agent.enabled=false}.
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
}
