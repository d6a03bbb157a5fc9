package dev.scheduler.gateway.security;

import dev.scheduler.contracts.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Authenticates the {@link Headers#API_KEY} header against the configured keys, which are stored as
 * SHA-256 hashes; the comparison takes the same time whichever key matches.
 */
final class ApiKeys implements ReactiveAuthenticationManager {

  private final List<SecurityProperties.ApiKey> keys;

  ApiKeys(List<SecurityProperties.ApiKey> keys) {
    this.keys = keys;
  }

  /** The key a request carries, as an unauthenticated token; none when it carries no key. */
  static Mono<Authentication> fromRequest(ServerWebExchange exchange) {
    String key = exchange.getRequest().getHeaders().getFirst(Headers.API_KEY);
    if (key == null) {
      return Mono.empty();
    }
    return Mono.just(new UsernamePasswordAuthenticationToken(null, key));
  }

  @Override
  public Mono<Authentication> authenticate(Authentication presented) {
    byte[] hash = sha256(String.valueOf(presented.getCredentials()));
    SecurityProperties.ApiKey match = null;
    for (SecurityProperties.ApiKey key : keys) {
      if (MessageDigest.isEqual(
          hash, HexFormat.of().parseHex(key.sha256().toLowerCase(Locale.ROOT)))) {
        match = key;
      }
    }
    if (match == null) {
      return Mono.error(new BadCredentialsException("unknown API key"));
    }
    return Mono.just(
        UsernamePasswordAuthenticationToken.authenticated(
            "key:" + match.name(),
            null,
            List.of(new SimpleGrantedAuthority(Roles.authority(match.role())))));
  }

  /** The hex SHA-256 of a key, as it is configured. */
  static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
