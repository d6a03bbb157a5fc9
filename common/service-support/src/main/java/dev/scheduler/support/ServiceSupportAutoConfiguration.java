package dev.scheduler.support;

import dev.scheduler.contracts.Headers;
import dev.scheduler.identity.IdentityVerifier;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/** The shared HTTP edge of the servlet services. */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties({ServiceSupportProperties.class, IdentityProperties.class})
public class ServiceSupportAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  ProblemResponses problemResponses() {
    return new ProblemResponses();
  }

  /**
   * The OpenAPI description's frame: the service's name, the credentials the gateway accepts, and a
   * server relative to where the description was fetched, so that the gateway's Swagger UI sends
   * its calls through the gateway.
   */
  @Bean
  @ConditionalOnMissingBean
  OpenAPI serviceOpenApi(@Value("${spring.application.name:service}") String name) {
    return new OpenAPI()
        .info(
            new Info()
                .title(name)
                .description(
                    "Reached through the gateway with an API key (X-Api-Key) or a bearer token;"
                        + " errors are RFC 9457 problem responses."))
        .addServersItem(new Server().url("/"))
        .components(
            new Components()
                .addSecuritySchemes(
                    "apiKey",
                    new SecurityScheme()
                        .type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.HEADER)
                        .name(Headers.API_KEY))
                .addSecuritySchemes(
                    "bearer",
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("JWT")))
        .addSecurityItem(new SecurityRequirement().addList("apiKey"))
        .addSecurityItem(new SecurityRequirement().addList("bearer"));
  }

  /** Static: a post-processor must not pull the configuration's other beans in early. */
  @Bean
  @ConditionalOnClass(name = "com.zaxxer.hikari.HikariDataSource")
  static DatabaseTimeouts databaseTimeouts() {
    return new DatabaseTimeouts();
  }

  @Bean
  StrictRequestBodies strictRequestBodies() {
    return new StrictRequestBodies();
  }

  @Bean
  FilterRegistrationBean<RequestIds> requestIds() {
    FilterRegistrationBean<RequestIds> registration =
        new FilterRegistrationBean<>(new RequestIds());
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  @Bean
  @ConditionalOnMissingBean
  ServiceIdentity serviceIdentity(
      IdentityProperties identity,
      @Value("${spring.application.name:service}") String name,
      ObjectProvider<java.time.Clock> clock) {
    // Web slices of tests have no clock bean.
    return new ServiceIdentity(identity, name, clock.getIfAvailable(java.time.Clock::systemUTC));
  }

  /** Fails the start outside the local profile when no signer is trusted. */
  @Bean
  IdentityRequirement identityRequirement(IdentityProperties identity, Environment environment) {
    return IdentityRequirement.check(identity, environment);
  }

  /** With trusted keys configured, {@code /api/**} takes signed caller identities only. */
  @Bean
  @ConditionalOnProperty("scheduler.identity.trusted-keys[0].id")
  FilterRegistrationBean<CallerIdentities> callerIdentities(
      IdentityProperties identity,
      @Value("${spring.application.name}") String name,
      java.time.Clock clock) {
    FilterRegistrationBean<CallerIdentities> registration =
        new FilterRegistrationBean<>(
            new CallerIdentities(
                new IdentityVerifier(
                    name, identity.trustedKeys(), "scheduler.identity.trusted-keys", clock)));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
    return registration;
  }

  @Bean
  FilterRegistrationBean<BodySizeLimit> bodySizeLimit(ServiceSupportProperties properties) {
    FilterRegistrationBean<BodySizeLimit> registration =
        new FilterRegistrationBean<>(new BodySizeLimit(properties.maxBodySize().toBytes()));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    return registration;
  }
}
