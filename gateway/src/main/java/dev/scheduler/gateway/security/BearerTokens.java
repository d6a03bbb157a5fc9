package dev.scheduler.gateway.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import reactor.core.publisher.Mono;

/**
 * The decoding and checks of bearer tokens (Spring Security's resource server over Nimbus): HS256
 * only, the key chosen by {@code kid}, and a token is refused (401) unless it carries an expiry in
 * the future and an issue time not in the future (both within the clock skew), the configured
 * issuer, the configured audience, and a subject of its own: a subject in a namespace the gateway
 * gives to other callers ({@code key:} for API keys) would let a token pass for them.
 */
final class BearerTokens {

  /** Caller name prefixes the gateway gives to callers other than token subjects. */
  static final List<String> RESERVED_SUBJECTS = List.of("key:", "service:", "agent:");

  private static final int MIN_SECRET_BYTES = 32;
  private static final int MAX_SUBJECT_LENGTH = 128;

  private BearerTokens() {}

  /** The decoder of tokens under {@code jwt}; fails, naming the setting, if it is unusable. */
  static NimbusReactiveJwtDecoder decoder(SecurityProperties.Jwt jwt) {
    checked(jwt);
    List<JWK> keys =
        jwt.keys().stream()
            .filter(k -> k.secret() != null && !k.secret().isEmpty())
            .map(
                k ->
                    (JWK)
                        new OctetSequenceKey.Builder(k.secret().getBytes(StandardCharsets.UTF_8))
                            .keyID(k.id())
                            .algorithm(JWSAlgorithm.HS256)
                            .build())
            .toList();
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            JWSAlgorithm.HS256, new ImmutableJWKSet<>(new JWKSet(keys))));
    // Spring's validators below check the claims, with the configured skew.
    processor.setJWTClaimsSetVerifier((claims, context) -> {});
    NimbusReactiveJwtDecoder decoder =
        new NimbusReactiveJwtDecoder(
            token -> Mono.fromCallable(() -> processor.process(token, null)));
    decoder.setJwtValidator(validator(jwt));
    return decoder;
  }

  private static OAuth2TokenValidator<Jwt> validator(SecurityProperties.Jwt jwt) {
    return new DelegatingOAuth2TokenValidator<>(
        new JwtClaimValidator<Object>(JwtClaimNames.EXP, exp -> exp != null),
        new JwtTimestampValidator(jwt.clockSkew()),
        new JwtIssuerValidator(jwt.issuer()),
        new JwtClaimValidator<List<String>>(
            JwtClaimNames.AUD, aud -> aud != null && aud.contains(jwt.audience())),
        new JwtClaimValidator<String>(JwtClaimNames.SUB, BearerTokens::ownSubject));
  }

  /** Whether {@code subject} may name a token's caller. */
  static boolean ownSubject(String subject) {
    if (subject == null
        || subject.isBlank()
        || subject.length() > MAX_SUBJECT_LENGTH
        || subject.chars().anyMatch(Character::isISOControl)) {
      return false;
    }
    String lower = subject.toLowerCase(Locale.ROOT);
    return RESERVED_SUBJECTS.stream().noneMatch(lower::startsWith);
  }

  private static void checked(SecurityProperties.Jwt jwt) {
    String prefix = "scheduler.gateway.security.jwt.";
    if (jwt.issuer() == null || jwt.issuer().isBlank()) {
      throw new IllegalStateException(
          prefix + "issuer must be set when bearer tokens are accepted");
    }
    if (jwt.clockSkew().isNegative()
        || jwt.clockSkew().compareTo(SecurityProperties.Jwt.MAX_CLOCK_SKEW) > 0) {
      throw new IllegalStateException(
          prefix + "clock-skew must be between 0 and " + SecurityProperties.Jwt.MAX_CLOCK_SKEW);
    }
    Set<String> ids = new HashSet<>();
    for (SecurityProperties.Key key : jwt.keys()) {
      if (!ids.add(key.id())) {
        throw new IllegalStateException(prefix + "keys: the id " + key.id() + " is used twice");
      }
      int bytes = key.secret() == null ? 0 : key.secret().getBytes(StandardCharsets.UTF_8).length;
      if (bytes > 0 && bytes < MIN_SECRET_BYTES) {
        throw new IllegalStateException(
            prefix + "keys: the secret of " + key.id() + " must be at least 32 bytes for HS256");
      }
    }
  }

  /** Turns a checked token into the caller: its subject, and its role as the one authority. */
  static ReactiveJwtAuthenticationConverterAdapter converter(String roleClaim) {
    JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
    converter.setJwtGrantedAuthoritiesConverter((Jwt jwt) -> roleOf(jwt, roleClaim));
    return new ReactiveJwtAuthenticationConverterAdapter(converter);
  }

  /** The token's role as an authority; none for a missing or unknown role (then 403). */
  private static List<GrantedAuthority> roleOf(Jwt jwt, String claim) {
    String value = jwt.getClaimAsString(claim);
    if (value == null) {
      return List.of();
    }
    try {
      Role role = Role.valueOf(value.trim().toUpperCase(Locale.ROOT));
      return List.of(new SimpleGrantedAuthority(Roles.authority(role)));
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }
}
