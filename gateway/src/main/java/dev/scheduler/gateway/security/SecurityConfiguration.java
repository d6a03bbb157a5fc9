package dev.scheduler.gateway.security;

import dev.scheduler.contracts.ProblemCode;
import dev.scheduler.gateway.GatewayProblems;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import reactor.core.publisher.Mono;

/**
 * Every {@code /api/**} request needs an API key ({@code X-Api-Key}) or a bearer JWT signed with
 * the configured HMAC key, and the role {@link AccessRules} asks for: 401 without valid credentials
 * (missing, unknown, expired), 403 for a role too low, both as problem responses. The gateway keeps
 * no session: each request brings its credentials. Open to all: health, and the API documentation
 * (Swagger UI and the services' OpenAPI descriptions). Anything else is refused.
 */
@Configuration
@EnableWebFluxSecurity
@EnableConfigurationProperties(SecurityProperties.class)
public class SecurityConfiguration {

  /** Paths of the API documentation: the Swagger UI and the services' OpenAPI descriptions. */
  static final String[] DOCUMENTATION = {
    "/swagger-ui.html",
    "/swagger-ui/**",
    "/webjars/swagger-ui/**",
    "/v3/api-docs/swagger-config",
    "/api-docs/*"
  };

  /**
   * The CORS rules of {@code spring.cloud.gateway.server.webflux.globalcors}, applied before
   * authentication, so that a browser's preflight (which carries no credentials) gets its answer.
   * None configured: no cross-origin browser access.
   */
  @Bean
  CorsConfigurationSource corsConfigurationSource(GlobalCorsProperties cors) {
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    cors.getCorsConfigurations().forEach(source::registerCorsConfiguration);
    return source;
  }

  @Bean
  SecurityWebFilterChain apiSecurity(
      ServerHttpSecurity http,
      SecurityProperties properties,
      CorsConfigurationSource cors,
      Environment environment) {
    LocalOnlyKeys.check(properties.apiKeys(), environment);
    ServerAuthenticationEntryPoint unauthenticated =
        (exchange, e) ->
            GatewayProblems.write(
                exchange,
                ProblemCode.UNAUTHENTICATED,
                "send an API key in X-Api-Key or a bearer token (" + e.getMessage() + ")");
    ServerAccessDeniedHandler forbidden =
        (exchange, e) ->
            GatewayProblems.write(
                exchange,
                ProblemCode.FORBIDDEN,
                "the caller's role may not "
                    + exchange.getRequest().getMethod()
                    + " "
                    + exchange.getRequest().getPath().value());

    AuthenticationWebFilter apiKeys =
        new AuthenticationWebFilter(new ApiKeys(properties.apiKeys()));
    apiKeys.setServerAuthenticationConverter(ApiKeys::fromRequest);
    apiKeys.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
    apiKeys.setAuthenticationFailureHandler(
        (filterExchange, e) -> unauthenticated.commence(filterExchange.getExchange(), e));

    http.csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        .cors(spec -> spec.configurationSource(cors))
        .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .addFilterAt(apiKeys, SecurityWebFiltersOrder.AUTHENTICATION)
        .authorizeExchange(
            exchange ->
                exchange
                    .pathMatchers(
                        "/actuator/health",
                        "/actuator/health/**",
                        "/actuator/info",
                        "/actuator/prometheus")
                    .permitAll()
                    .pathMatchers(HttpMethod.GET, DOCUMENTATION)
                    .permitAll()
                    .pathMatchers("/api/**")
                    .access(SecurityConfiguration::allowed)
                    .anyExchange()
                    .denyAll())
        .exceptionHandling(
            handling ->
                handling.authenticationEntryPoint(unauthenticated).accessDeniedHandler(forbidden));
    if (properties.jwt().enabled()) {
      http.oauth2ResourceServer(
          server ->
              server
                  .authenticationEntryPoint(unauthenticated)
                  .accessDeniedHandler(forbidden)
                  .jwt(
                      jwt ->
                          jwt.jwtDecoder(BearerTokens.decoder(properties.jwt()))
                              .jwtAuthenticationConverter(
                                  BearerTokens.converter(properties.jwt().roleClaim()))));
    }
    return http.build();
  }

  private static Mono<AuthorizationDecision> allowed(
      Mono<Authentication> authentication, AuthorizationContext context) {
    HttpMethod method = context.getExchange().getRequest().getMethod();
    String path = context.getExchange().getRequest().getPath().pathWithinApplication().value();
    Role required = AccessRules.required(method, path).orElse(Role.ADMIN);
    return authentication
        .map(a -> new AuthorizationDecision(Roles.of(a).map(r -> r.covers(required)).orElse(false)))
        .defaultIfEmpty(new AuthorizationDecision(false));
  }
}
